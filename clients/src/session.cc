#include "dispo/clients/session.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <utility>

#include "socket_events.h"

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
  if (!options_.seen) options_.seen = std::make_shared<std::atomic<std::uint64_t>>(0);
  endpoints_ = endpoint_list(options_.broker);
  // Every member's address is checked now (ZeroMQ refuses a malformed one when connecting), so
  // that a typo in the third one is said at once, not at the first failover.
  for (std::size_t i = 1; i < endpoints_.size(); ++i) {
    zmq::socket_t probe(*context_, zmq::socket_type::dealer);
    probe.set(zmq::sockopt::linger, 0);
    probe.connect(endpoints_[i]);
  }
  connect();
}

std::vector<std::string> endpoint_list(std::string_view list) {
  std::vector<std::string> endpoints;
  while (true) {
    const std::size_t comma = list.find(',');
    endpoints.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return endpoints;
}

Session::~Session() {
  // Stop the handshake monitor before the socket closes, so that libzmq's monitor socket is gone
  // before the next session of this context starts its own.
  if (socket_.handle() != nullptr) zmq_socket_monitor(socket_.handle(), nullptr, 0);
}

void apply_client_keys(zmq::socket_t& socket, const ClientKeys& keys) {
  if (keys.empty()) return;
  socket.set(zmq::sockopt::curve_serverkey, keys.broker_public);
  socket.set(zmq::sockopt::curve_publickey, keys.public_key);
  socket.set(zmq::sockopt::curve_secretkey, keys.secret_key);
}

void Session::connect() {
  if (socket_.handle() != nullptr) zmq_socket_monitor(socket_.handle(), nullptr, 0);
  socket_ = zmq::socket_t(*context_, zmq::socket_type::dealer);
  apply_client_keys(socket_, options_.keys);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::sndhwm, 0);
  socket_.set(zmq::sockopt::rcvhwm, 0);
  // No handshake time limit: a call's own timeout says when a broker does not answer. libzmq's
  // (30 s) only ended a handshake with a broker that accepts connections but is stopped or hung,
  // and two of them read as a broker refusing the handshake (wants CURVE, another key).
  socket_.set(zmq::sockopt::handshake_ivl, 0);
  monitor_ = watch_socket(*context_, socket_,
                          ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                              ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                              ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_DISCONNECTED);
  handshake_succeeded_ = false;
  broker_absent_ = false;
  connection_lost_ = false;
  authentication_failure_.reset();
  socket_.connect(endpoints_[current_]);
}

std::size_t Session::endpoint_index(const std::string& endpoint) {
  for (std::size_t i = 0; i < endpoints_.size(); ++i)
    if (endpoints_[i] == endpoint) return i;
  endpoints_.push_back(endpoint);  // a member added after this session's list was written
  return endpoints_.size() - 1;
}

void Session::next_member() {
  if (endpoints_.size() < 2) return;
  current_ = (current_ + 1) % endpoints_.size();
  connect();
}

void Session::read_handshake_events() {
  while (auto event = next_socket_event(monitor_)) {
    const std::uint16_t id = event->id;
    const std::uint32_t value = event->value;
    const std::string at = " avec le broker à " + options_.broker;
    switch (id) {
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        handshake_succeeded_ = true;
        broker_absent_ = false;
        connection_lost_ = false;
        failed_handshakes_ = 0;
        break;
      case ZMQ_EVENT_CONNECT_RETRIED:
        // After a failed handshake the broker was there: the retry is libzmq reconnecting, and
        // the next handshake tells whether it fails again.
        broker_absent_ = failed_handshakes_ == 0;
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        authentication_failure_ = make_error(
            wire::Status::unauthenticated,
            "authentification refusée par le broker à " + options_.broker +
                " : votre clé lui est inconnue ou a été révoquée (un administrateur peut la vérifier : "
                "dispo-admin list) ; rien n'a été envoyé");
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH && options_.keys.empty()) {
          authentication_failure_ = make_error(
              wire::Status::unauthenticated,
              "authentification impossible : le broker à " + options_.broker +
                  " exige une connexion chiffrée (CURVE) ; donnez --key et --broker-key (ou DISPO_KEY et "
                  "DISPO_BROKER_KEY) ; rien n'a été envoyé");
        } else if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
          authentication_failure_ = make_error(
              wire::Status::unauthenticated,
              "authentification impossible : le broker à " + options_.broker +
                  " n'utilise pas CURVE ; retirez --key et --broker-key (DISPO_KEY, DISPO_BROKER_KEY) ; "
                  "rien n'a été envoyé");
        } else {
          authentication_failure_ = make_error(
              wire::Status::unauthenticated,
              "authentification échouée" + at + " (erreur de protocole " + std::to_string(value) +
                  ") ; rien n'a été envoyé");
        }
        break;
      case ZMQ_EVENT_DISCONNECTED:
        // Before any handshake succeeded, a disconnection is a handshake the broker ended
        // (libzmq reports a failed one as this, after HANDSHAKE_FAILED_* when it has details, or
        // alone when the broker hung up first). Twice in a row: without keys, it wants CURVE;
        // with keys, it cannot read our hello: another broker's public key. Once may be a restart.
        // After a success, a disconnection is the broker going away, and the request waiting with
        // it: a call sends it again (to the next member of a cluster) at once.
        if (handshake_succeeded_) connection_lost_ = true;
        if (handshake_succeeded_ || authentication_failure_ || ++failed_handshakes_ < 2) break;
        if (options_.keys.empty()) {
          authentication_failure_ = make_error(
              wire::Status::unauthenticated,
              "authentification impossible : le broker à " + options_.broker +
                  " ferme la connexion pendant la poignée de main — il exige sans doute une connexion "
                  "chiffrée (CURVE) ; donnez --key et --broker-key (ou DISPO_KEY et DISPO_BROKER_KEY) ; "
                  "rien n'a été envoyé");
        } else {
          authentication_failure_ = make_error(
              wire::Status::unauthenticated,
              "authentification échouée" + at +
                  " : il ferme la connexion pendant la poignée de main — la clé publique du broker donnée "
                  "(--broker-key, DISPO_BROKER_KEY) n'est sans doute pas la sienne ; rien n'a été envoyé");
        }
        break;
      default:
        break;
    }
  }
}

Result<bool> Session::wait_for_handshake(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    read_handshake_events();
    if (authentication_failure_) return *authentication_failure_;
    if (handshake_succeeded_) return true;
    if (broker_absent_) return false;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    zmq::pollitem_t item{monitor_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, left);
    } catch (const zmq::error_t& error) {
      if (error.num() != EINTR) throw;
    }
  }
}

std::string Session::encode(std::uint64_t request_id, const wire::RequestBodyUnion& body,
                            const std::string& on_behalf_of) const {
  flatbuffers::FlatBufferBuilder builder(256);
  auto client_id = builder.CreateString(options_.client_id);
  auto person = on_behalf_of.empty() ? flatbuffers::Offset<flatbuffers::String>() : builder.CreateString(on_behalf_of);
  auto request = wire::CreateRequest(builder, request_id, client_id, body.type, body.Pack(builder), person,
                                     options_.current, options_.seen->load(std::memory_order_relaxed));
  wire::finish(builder, request);
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

void Session::raise_seen(std::uint64_t sequence) {
  std::uint64_t seen = options_.seen->load(std::memory_order_relaxed);
  while (sequence > seen && !options_.seen->compare_exchange_weak(seen, sequence, std::memory_order_relaxed)) {
  }
}

std::uint64_t Session::send(const wire::RequestBodyUnion& body) {
  const std::uint64_t request_id = next_request_id_++;
  const std::string bytes = encode(request_id, body);
  socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
  return request_id;
}

std::optional<ReplyMessage> Session::receive(std::chrono::milliseconds wait) { return receive(wait, false); }

// Nobody listening counts only in a cluster, where another member answers: a single broker being
// restarted is waited for, as before.
bool Session::member_gone() const { return connection_lost_ || (broker_absent_ && endpoints_.size() > 1); }

std::optional<ReplyMessage> Session::receive(std::chrono::milliseconds wait, bool until_lost) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    // Rounded up: a wait under a millisecond truncated to 0 polled without sleeping, and a caller
    // looping on short waits spun a core (dispo-bench's feed publisher did, on a 2-core machine).
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}, {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
    int ready = 0;
    try {
      ready = zmq::poll(items, 2, std::max(left, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& error) {
      // A signal (Ctrl-C, SIGTERM) during the wait: finish the call — its caller looks at its
      // flags afterwards — rather than abandon a request the broker may already have applied.
      if (error.num() == EINTR) continue;
      throw;
    }
    if (ready == 0) return std::nullopt;
    if (items[1].revents & ZMQ_POLLIN) {
      read_handshake_events();
      if (authentication_failure_) return std::nullopt;  // call() says why
      if (until_lost && member_gone() && !(items[0].revents & ZMQ_POLLIN)) return std::nullopt;
      if (!(items[0].revents & ZMQ_POLLIN)) continue;
    }
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

Result<ReplyMessage> Session::call_for(const std::string& on_behalf_of, wire::RequestBodyUnion body) {
  const std::uint64_t request_id = next_request_id_++;
  return call_encoded(request_id, encode(request_id, body, on_behalf_of));
}

void Session::send_encoded(const std::string& request) {
  socket_.send(zmq::buffer(request), zmq::send_flags::none);
}

Result<ReplyMessage> Session::call_encoded(std::uint64_t request_id, const std::string& bytes) {
  // A cluster electing its leader refuses for about an election timeout: a few rounds of the
  // list, a short pause between two rounds. A refusal that names the leader's endpoint
  // (Reply.leader_api) is followed there at once, whether the list has it or not.
  const std::size_t max_redirects = 30 * std::max<std::size_t>(endpoints_.size(), 2);
  std::size_t redirects = 0;
  std::optional<Error> not_leader;
  std::optional<std::size_t> leader_hint;  // the endpoint a refusal named, to try next
  // Each member of a cluster gets `attempts` silences before the call gives up.
  const int max_silences = options_.attempts * static_cast<int>(endpoints_.size());
  // A cluster's member may not know a key the others know yet (granted a moment ago, or the
  // member is joining and has not been sent the state): every member refuses it before the call.
  std::size_t key_refusals = 0;
  for (int silences = 0; silences < max_silences;) {
    socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    bool redirected = false;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto reply = receive(left, true);
      if (authentication_failure_) {
        if (++key_refusals >= endpoints_.size()) return *authentication_failure_;  // no retry can succeed
        redirected = true;
        break;
      }
      if (!reply) {
        // The member is gone — its connection closed under the call (killed, stopped), or nobody
        // listens there (a dead leader a refusal still names): on to the next one at once, paced
        // like a redirect, rather than after the timeout.
        redirected = member_gone() && redirects < max_redirects;
        if (redirected) ++lost_connections_;
        break;
      }
      if ((*reply)->request_id() != request_id) continue;  // late reply to an earlier call
      if ((*reply)->status() == wire::Status::ok) {
        raise_seen((*reply)->sequence());
        return std::move(*reply);
      }
      const auto* text = (*reply)->message();
      Error refused = make_error((*reply)->status(), text ? text->str() : "refusé par le broker");
      if (refused.status != wire::Status::not_leader) return refused;
      const auto* leader = (*reply)->leader_api();
      if (options_.follow_leader && leader && leader->size() > 0 && leader->str() != endpoints_[current_]) {
        leader_hint = endpoint_index(leader->str());
      }
      if ((!leader_hint && endpoints_.size() < 2) || redirects >= max_redirects) return refused;
      not_leader = std::move(refused);
      redirected = true;
      break;
    }
    if (redirected) {
      ++redirects;
      // Paced even when a leader is named: during an election members may name one that no
      // longer leads, and the redirects must last about as long as an election does.
      if (redirects % endpoints_.size() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } else {
      ++silences;  // no answer in time: an attempt spent
    }
    // Lazy Pirate: a fresh socket (to the leader named, or the next member of a cluster), then the
    // same request id.
    if (leader_hint) {
      current_ = *std::exchange(leader_hint, std::nullopt);
      connect();
    } else if (endpoints_.size() > 1) {
      next_member();
    } else {
      connect();
    }
  }
  if (not_leader) return *not_leader;
  const auto seconds = static_cast<double>(options_.timeout.count()) / 1000.0;
  char detail[128];
  std::snprintf(detail, sizeof detail, " : pas de réponse après %d tentative%s de %.1f s%s",
                max_silences, max_silences > 1 ? "s" : "", seconds,
                endpoints_.size() > 1 ? " (chaque nœud du cluster essayé)" : "");
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
