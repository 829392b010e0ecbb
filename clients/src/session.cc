#include "dispo/clients/session.h"

#include <cerrno>
#include <chrono>
#include <random>

namespace dispo::client {

ReplyMessage::ReplyMessage(ReplyMessage&& other) noexcept
    : bytes_(std::move(other.bytes_)), reply_(other.reply_) {
  // std::string moves may copy short buffers (SSO); re-derive the pointer to be safe.
  if (!bytes_.empty()) reply_ = wire::GetMessage(bytes_.data())->body_as_Reply();
}

ReplyMessage& ReplyMessage::operator=(ReplyMessage&& other) noexcept {
  bytes_ = std::move(other.bytes_);
  reply_ = bytes_.empty() ? other.reply_ : wire::GetMessage(bytes_.data())->body_as_Reply();
  return *this;
}

std::string random_client_id() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> digits;
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(digits(device)));
  return buffer;
}

// Request ids start from the wall clock in microseconds × 1024 plus 10 random bits, not 1: the
// broker remembers (client id, request id) durably to make retries idempotent, and every `dispo`
// command of one user shares one stable client id (client_identity.h). A process restarting with
// that id — or two started in the same microsecond — must never reuse an id, or its new writes
// would be answered with the old replies and silently not applied. (× 1024 leaves room for a
// process to send 1,024 requests per microsecond before it reaches a later process's ids.)
namespace {
std::uint64_t first_request_id() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
  std::random_device device;
  return (micros << 10) | (device() & 0x3ffu);
}
}  // namespace

Session::Session(zmq::context_t& context, SessionOptions options)
    : context_(&context), options_(std::move(options)), next_request_id_(first_request_id()) {
  if (options_.client_id.empty()) options_.client_id = random_client_id();
  if (options_.attempts < 1) options_.attempts = 1;
  connect();
}

void apply_client_keys(zmq::socket_t& socket, const ClientKeys& keys) {
  if (keys.empty()) return;
  socket.set(zmq::sockopt::curve_serverkey, keys.broker_public);
  socket.set(zmq::sockopt::curve_publickey, keys.public_key);
  socket.set(zmq::sockopt::curve_secretkey, keys.secret_key);
}

void Session::connect() {
  socket_ = zmq::socket_t(*context_, zmq::socket_type::dealer);
  apply_client_keys(socket_, options_.keys);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::sndhwm, 0);
  socket_.set(zmq::sockopt::rcvhwm, 0);
  socket_.connect(options_.broker);
}

std::string Session::encode(std::uint64_t request_id, const wire::RequestBodyUnion& body) const {
  flatbuffers::FlatBufferBuilder builder(256);
  auto client_id = builder.CreateString(options_.client_id);
  auto request = wire::CreateRequest(builder, request_id, client_id, body.type, body.Pack(builder));
  wire::finish(builder, request);
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

std::uint64_t Session::send(const wire::RequestBodyUnion& body) {
  const std::uint64_t request_id = next_request_id_++;
  const std::string bytes = encode(request_id, body);
  socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
  return request_id;
}

std::optional<ReplyMessage> Session::receive(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    int ready = 0;
    try {
      ready = zmq::poll(&item, 1, std::max(left, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& error) {
      // A signal (Ctrl-C, SIGTERM) during the wait: finish the call — its caller looks at its
      // flags afterwards — rather than abandon a request the broker may already have applied.
      if (error.num() == EINTR) continue;
      throw;
    }
    if (ready == 0) return std::nullopt;
    zmq::message_t frame;
    if (!socket_.recv(frame, zmq::recv_flags::dontwait)) continue;
    std::string bytes(static_cast<const char*>(frame.data()), frame.size());
    auto message = wire::decode(bytes.data(), bytes.size(), SIZE_MAX);
    if (!message || (*message)->body_type() != wire::Body::Reply) continue;  // not for us: drop
    const wire::Reply* reply = (*message)->body_as_Reply();
    return ReplyMessage(std::move(bytes), reply);
  }
}

Result<ReplyMessage> Session::call(wire::RequestBodyUnion body) {
  const std::uint64_t request_id = next_request_id_++;
  return call_encoded(request_id, encode(request_id, body));
}

void Session::send_encoded(const std::string& request) {
  socket_.send(zmq::buffer(request), zmq::send_flags::none);
}

Result<ReplyMessage> Session::call_encoded(std::uint64_t request_id, const std::string& bytes) {
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto reply = receive(left);
      if (!reply) break;
      if ((*reply)->request_id() != request_id) continue;  // late reply to an earlier call
      if ((*reply)->status() != wire::Status::ok) {
        const auto* text = (*reply)->message();
        return make_error((*reply)->status(), text ? text->str() : "refusé par le broker");
      }
      return std::move(*reply);
    }
    connect();  // Lazy Pirate: a fresh socket, then resend the same request id
  }
  const auto seconds = static_cast<double>(options_.timeout.count()) / 1000.0;
  char detail[128];
  std::snprintf(detail, sizeof detail, " : pas de réponse après %d tentative%s de %.1f s",
                options_.attempts, options_.attempts > 1 ? "s" : "", seconds);
  for (char* c = detail; *c != '\0'; ++c) {
    if (*c == '.') *c = ',';  // French decimal comma
  }
  std::string hint;
  if (!options_.keys.empty()) {
    hint = " (connexion chiffrée : si le broker répond aux autres, votre clé est peut-être inconnue ou "
           "révoquée, ou ce n'est pas la bonne clé publique du broker)";
  }
  return make_error(wire::Status::unavailable,
                    "broker injoignable à " + options_.broker + detail + hint);
}

}  // namespace dispo::client
