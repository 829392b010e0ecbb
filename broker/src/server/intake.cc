#include "intake.h"

#include <cstdio>
#include <iterator>

#include <zmq_addon.hpp>

#include "dispo/schemas/text_rules.h"
#include "model/logger.h"
#include "model/replies.h"

namespace dispo::broker {
namespace {

// The connection's routing id in hex, for logs and the request context.
std::string peer_name(const zmq::message_t& routing_id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (std::size_t i = 0; i < routing_id.size(); ++i) {
    const auto byte = static_cast<const std::uint8_t*>(routing_id.data())[i];
    name += kHex[byte >> 4];
    name += kHex[byte & 0xf];
  }
  return name;
}

// Whether the connection a frame came on is local: TCP from 127.0.0.0/8 or ::1, or not TCP.
bool is_loopback(const zmq::message_t& frame) {
  std::string address;
  try {
    address = const_cast<zmq::message_t&>(frame).gets("Peer-Address");  // reads a property only
  } catch (const zmq::error_t&) {
    return true;  // ipc:// and inproc:// have no peer address
  }
  return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

// The rate limiter's key for a request (issue #11 × issue #13). With CURVE, the principal's name,
// shared by all its connections (opening more does not buy more); without, every peer is the same
// local principal, so the connection's. A gateway carries many people on one principal: a request
// it sends on behalf of a person (Request.on_behalf_of) counts against that person — under CURVE
// the person's own name, so the person has one budget whether through dispo-web or its own keys.
// Only a gateway principal (or, without CURVE, a local connection) may act for someone else, so
// another principal naming a person cannot spend that person's budget; a name that is not a valid
// principal name keeps the sender's key (the text validator refuses the request afterwards).
std::string rate_key(const wire::PrincipalT& principal, const std::string& peer, const zmq::message_t& payload,
                     bool curve, std::size_t max_message_bytes) {
  std::string key = curve ? principal.name : peer;
  const bool may_act_for_others = curve ? principal.role == wire::Role::gateway && !principal.revoked : true;
  if (!may_act_for_others) return key;
  auto message = wire::decode(payload.data(), payload.size(), max_message_bytes);
  if (!message) return key;
  const wire::Request* request = (*message)->body_as_Request();
  if (request == nullptr || request->on_behalf_of() == nullptr) return key;
  const std::string_view person = request->on_behalf_of()->string_view();
  if (person.empty() || !wire::check_reference("on_behalf_of", person)) return key;
  return curve ? std::string(person) : peer + "/" + std::string(person);
}

}  // namespace

RequestOrigin AdmittedRequest::origin() const {
  RequestOrigin origin(peer);
  origin.from_loopback = is_loopback(payload);
  origin.routing_id = std::string_view(static_cast<const char*>(routing_id.data()), routing_id.size());
  origin.delimiter = delimiter;
  return origin;
}

const wire::PrincipalT& principal_of(const zmq::message_t& message, const Principals& principals, bool curve) {
  static const wire::PrincipalT unknown = [] {
    wire::PrincipalT principal;
    principal.name = "inconnu";
    principal.revoked = true;
    return principal;
  }();
  if (!curve) return Principals::local();
  const char* user_id = zmq_msg_gets(message.handle(), "User-Id");
  const wire::PrincipalT* principal = user_id ? principals.by_key(user_id) : nullptr;
  return principal ? *principal : unknown;
}

Intake::Intake(const BrokerOptions& options, const Principals& principals, bool curve)
    : options_(&options),
      principals_(&principals),
      curve_(curve),
      limiter_(options.peer_rate, options.peer_burst),
      turns_(options.batch_per_peer, options.batch_time_per_peer) {}

void Intake::read_waiting(zmq::socket_t& api) {
  while (turns_.size() < 2 * options_->max_batch && turns_.bytes() < options_->max_batch_bytes) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(api, std::back_inserter(frames), zmq::recv_flags::dontwait)) return;
    if (frames.empty()) continue;
    std::string peer = frames[0].to_string();
    turns_.push(std::move(peer), std::move(frames));
  }
}

std::optional<Intake::Next> Intake::next(std::uint64_t sequence) {
  auto turn = turns_.next();
  if (!turn) return std::nullopt;
  auto& frames = turn->frames;
  Next next;
  next.peer = std::move(turn->peer);
  // [id, payload] from a DEALER, or [id, "", payload] from a REQ socket.
  const bool delimited = frames.size() == 3 && frames[1].size() == 0;
  next.refusal.routing_id = std::move(frames[0]);
  if (frames.size() != 2 && !delimited) {
    next.refusal.bytes = encode_error(
        0, make_error(wire::Status::malformed,
                      "une requête est une seule trame (un Message FlatBuffers ; une trame vide de "
                      "délimitation la précède pour un socket REQ), reçu " +
                          std::to_string(frames.size() - 1) + " trames"),
        sequence);
    return next;
  }
  next.refusal.delimiter = delimited;
  const zmq::message_t& payload = frames.back();
  const std::string peer = peer_name(next.refusal.routing_id);
  const wire::PrincipalT& principal = principal_of(payload, *principals_, curve_);
  const std::string bucket = rate_key(principal, peer, payload, curve_, options_->max_message_bytes);
  if (!limiter_.admit(bucket, std::chrono::steady_clock::now())) {
    next.refusal.bytes = refuse_rate_limited(peer, payload, sequence);
    return next;
  }
  AdmittedRequest request;
  request.routing_id = std::move(next.refusal.routing_id);
  request.delimiter = delimited;
  request.payload = std::move(frames.back());
  request.peer = peer;
  request.principal = &principal;
  next.request = std::move(request);
  return next;
}

std::string Intake::refuse_rate_limited(std::string_view peer, const zmq::message_t& payload,
                                        std::uint64_t sequence) {
  std::uint64_t request_id = 0;
  if (auto message = wire::decode(payload.data(), payload.size(), options_->max_message_bytes)) {
    if (const auto* request = (*message)->body_as_Request()) request_id = request->request_id();
  }
  logger()->debug("rate limited peer={} request={}", peer, request_id);
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", limiter_.rate());
  return encode_error(request_id,
                      make_error(wire::Status::rate_limited,
                                 std::string(curve_ ? "trop de requêtes de ce principal, toutes connexions "
                                                      "confondues (au-delà de "
                                                    : "trop de requêtes sur cette connexion (au-delà de ") +
                                     rate + " par seconde) : requête refusée, rien n'a été "
                                     "appliqué ; ralentissez puis réessayez"),
                      sequence);
}

}  // namespace dispo::broker
