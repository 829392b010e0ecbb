#include "socket_events.h"

#include <atomic>
#include <cstring>

namespace dispo::client {

zmq::socket_t watch_socket(zmq::context_t& context, zmq::socket_t& socket, int events) {
  static std::atomic<std::uint64_t> next{0};
  const std::string endpoint = "inproc://dispo-socket-events-" + std::to_string(next++);
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), events) != 0) throw zmq::error_t();
  zmq::socket_t monitor(context, zmq::socket_type::pair);
  monitor.set(zmq::sockopt::linger, 0);
  monitor.connect(endpoint);
  return monitor;
}

std::optional<SocketEvent> next_socket_event(zmq::socket_t& monitor) {
  while (true) {
    zmq::message_t event;
    if (!monitor.recv(event, zmq::recv_flags::dontwait)) return std::nullopt;
    zmq::message_t address;
    if (event.more()) (void)monitor.recv(address, zmq::recv_flags::dontwait);
    if (event.size() < 6) continue;  // not an event frame: [id (2 bytes), value (4 bytes)]
    SocketEvent read;
    std::memcpy(&read.id, event.data(), sizeof read.id);
    std::memcpy(&read.value, static_cast<const char*>(event.data()) + sizeof read.id, sizeof read.value);
    read.address = address.to_string();
    return read;
  }
}

}  // namespace dispo::client
