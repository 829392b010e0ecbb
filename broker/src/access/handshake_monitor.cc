#include "handshake_monitor.h"

#include <atomic>
#include <cstring>

#include "model/logger.h"

namespace dispo::broker {
namespace {

std::string monitor_endpoint() {
  static std::atomic<std::uint64_t> next{0};
  return "inproc://dispo-broker-handshakes-" + std::to_string(next++);
}

std::string reason_of(std::uint16_t event, std::uint32_t value) {
  switch (event) {
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      return "key refused by the ZAP handler (unknown or revoked; see the \"refused connection\" line)";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
        return "security mechanism mismatch (a client without CURVE keys, or with keys against a broker "
               "without CURVE)";
      }
      if (value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) {
        return "CURVE hello not decryptable (the client uses another broker public key)";
      }
      return "protocol error " + std::to_string(value);
    default:
      // What the broker sees of a client without CURVE keys: the client drops the connection
      // when the greetings' mechanisms differ (seen with libzmq 4.3.4: EPIPE).
      return std::string("connection closed during the handshake (") + std::strerror(static_cast<int>(value)) +
             "): most often a client without CURVE keys";
  }
}

}  // namespace

HandshakeMonitor::HandshakeMonitor(zmq::context_t& context, zmq::socket_t& watched, std::string name)
    : watched_(&watched), name_(std::move(name)), events_(context, zmq::socket_type::pair) {
  const std::string endpoint = monitor_endpoint();
  const int rc = zmq_socket_monitor(watched.handle(), endpoint.c_str(),
                                    ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                        ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  if (rc != 0) throw zmq::error_t();
  events_.set(zmq::sockopt::linger, 0);
  events_.connect(endpoint);
}

HandshakeMonitor::~HandshakeMonitor() {
  if (watched_->handle() != nullptr) zmq_socket_monitor(watched_->handle(), nullptr, 0);
}

void HandshakeMonitor::drain() {
  while (true) {
    zmq::message_t event;
    if (!events_.recv(event, zmq::recv_flags::dontwait)) return;
    zmq::message_t address;
    if (!event.more() || !events_.recv(address, zmq::recv_flags::dontwait)) continue;
    if (event.size() < 6) continue;
    std::uint16_t id = 0;
    std::uint32_t value = 0;
    std::memcpy(&id, event.data(), sizeof id);
    std::memcpy(&value, static_cast<const char*>(event.data()) + sizeof id, sizeof value);
    report(reason_of(id, value), address.to_string());
  }
}

void HandshakeMonitor::report(const std::string& reason, const std::string& endpoint) {
  Repeats& repeats = repeats_[reason];
  ++repeats.count;
  const auto now = std::chrono::steady_clock::now();
  if (repeats.last_logged != std::chrono::steady_clock::time_point{} &&
      now - repeats.last_logged < std::chrono::seconds(10)) {
    return;
  }
  logger()->warn("authentication failed socket={} endpoint={} count={}: {}", name_, endpoint, repeats.count,
                 reason);
  repeats.count = 0;
  repeats.last_logged = now;
}

}  // namespace dispo::broker
