#include "dispo/broker/broker.h"
#include "dispo/broker/metrics.h"

#include "dispo/schemas/spdlog.h"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <sys/stat.h>

#include <vector>

#include "writes/alerts.h"
#include "storage/backup.h"
#include "state/broker_state.h"
#include "dispatcher.h"
#include "dispo/schemas/text_rules.h"
#include "access/endpoints.h"
#include "access/handshake_monitor.h"
#include "access/feed_topics.h"
#include "writes/holds.h"
#include "storage/log_reader.h"
#include "model/logger.h"
#include "metrics/broker_probe.h"
#include "access/peer_limiter.h"
#include "access/peer_turns.h"
#include "model/replies.h"
#include "storage/reply_cache.h"
#include "storage/storage_guard.h"
#include "storage/store.h"
#include "matching/validation.h"
#include "access/zap_handler.h"

namespace dispo::broker {
namespace {

// A reply waiting for the commit of its batch: [routing id, (empty delimiter,) reply], with the
// request it answers (re-answered if the commit fails).
struct OutgoingReply {
  zmq::message_t routing_id;
  bool delimiter = false;
  std::string bytes;
  zmq::message_t request;
  Dispatcher::Outcome outcome = Dispatcher::Outcome::stands;  // what it is to the batch's commit
};

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

// The request id of a frame the dispatcher accepted (0 if it cannot be read).
std::uint64_t request_id_of(const zmq::message_t& frame) {
  auto message = wire::decode(frame.data(), frame.size(), SIZE_MAX);
  const auto* request = message ? (*message)->body_as_Request() : nullptr;
  return request ? request->request_id() : 0;
}

// The principal a request or subscription comes from: by its CURVE key (the User-Id our ZAP
// handler set), or the local admin when CURVE is off. A key no longer known is refused later.
const wire::PrincipalT& principal_of(const zmq::message_t& message, const Principals& principals,
                                     bool curve) {
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

struct Broker::Impl {
  BrokerOptions options;
  zmq::context_t context{1};
  std::unique_ptr<ZapHandler> zap;  // bound before the sockets, when CURVE is on
  zmq::socket_t api{context, zmq::socket_type::router};
  zmq::socket_t feed{context, zmq::socket_type::xpub};
  std::unique_ptr<Store> store;
  BrokerState state;
  std::unique_ptr<ReplyCache> replies;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<PendingCommit> pending;
  std::vector<OutgoingReply> outgoing;
  StartupReport startup;
  std::chrono::steady_clock::time_point next_heartbeat;
  std::chrono::steady_clock::time_point next_housekeeping;
  std::unique_ptr<StorageGuard> storage;
  std::unique_ptr<PeerLimiter> limiter;
  std::unique_ptr<PeerTurns> turns;      // requests read from `api`, waiting their peer's turn
  // After the sockets: stopped before the sockets they watch are closed.
  std::unique_ptr<HandshakeMonitor> api_handshakes;
  std::unique_ptr<HandshakeMonitor> feed_handshakes;
  std::uint64_t committed_sequence = 0;  // state.sequence minus what the batch staged
  // Reads of the event log handed over by the dispatcher during this batch: submitted to the log
  // reader once the batch is committed, refused if it is not.
  std::vector<std::pair<LogReader::Route, LogRead>> deferred_reads;
  std::int64_t batch_now_ms = 0;
  std::string batch_today;
  std::unique_ptr<BrokerProbe> probe;  // only with options.metrics
  // Set while the feed is closed after a revocation, until bind_feed_if_due() binds it again.
  std::optional<std::chrono::steady_clock::time_point> feed_closed_at;
  std::chrono::steady_clock::time_point next_feed_bind;

  Result<void> load();
  bool curve() const { return !options.curve_secret_key.empty(); }
  Result<void> bind();
  void secure(zmq::socket_t& socket);
  Result<void> bind_feed();
  void close_feed();
  void bind_feed_if_due();
  void serve_batch();
  void read_waiting_requests();
  std::optional<OutgoingReply> handle_request(std::vector<zmq::message_t> frames, std::int64_t now_ms,
                                              const std::string& today);
  Result<void> bind_endpoint(zmq::socket_t& socket, const std::string& endpoint);
  std::string refuse_rate_limited(std::string_view peer, const zmq::message_t& payload);
  void commit_and_send();
  void roll_back_to_store(const Error& error);
  void refresh_storage();
  void publish(std::string_view topic, std::string_view bytes);
  void heartbeat_if_due();
  void housekeeping_if_due();
  void drain_subscriptions();
  bool defer_log_read(const RequestOrigin& origin, std::uint64_t request_id, LogRead read);
  void send(OutgoingReply& reply);
  void send_log_reads();
  void publish_metrics();

  // Last: stopped (and its thread joined) before anything it reads is destroyed.
  std::unique_ptr<LogReader> log_reader;
};

Result<void> Broker::Impl::load() {
  const auto started = std::chrono::steady_clock::now();
  if (auto loaded = store->load(state.index); !loaded) return loaded.error();
  if (auto loaded = load_bookkeeping(*store, state); !loaded) return loaded.error();
  committed_sequence = state.sequence;
  startup.facilities = state.index.facilities().size();
  startup.units = state.index.unit_count();
  startup.sequence = state.sequence;
  startup.load_time = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  return {};
}

void Broker::Impl::secure(zmq::socket_t& socket) {
  if (!curve()) return;
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, options.curve_secret_key);
  socket.set(zmq::sockopt::zap_domain, "dispo");
#ifdef ZMQ_ZAP_ENFORCE_DOMAIN
  socket.set(zmq::sockopt::zap_enforce_domain, 1);
#endif
}

// Binds `socket` to `endpoint`; an ipc:// socket is made reachable by the broker's user (and
// group) only: created under a restrictive umask, then chmod-ed, in a 0700 (0750) directory.
Result<void> Broker::Impl::bind_endpoint(zmq::socket_t& socket, const std::string& endpoint) {
  const auto path = ipc_path(endpoint);
  if (!path.empty()) {
    if (auto prepared = prepare_ipc_directory(path, options.data_dir, options.group_access); !prepared) {
      return prepared.error();
    }
  }
  try {
    const mode_t previous = ::umask(options.group_access ? 0007 : 0077);
    try {
      socket.bind(bindable_endpoint(endpoint));
    } catch (...) {
      ::umask(previous);
      throw;
    }
    ::umask(previous);
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid, "impossible d'écouter sur " + endpoint + " : " + error.what());
  }
  if (!path.empty()) return restrict_ipc_socket(path, options.group_access);
  return {};
}

Result<void> Broker::Impl::bind_feed() {
  try {
    feed.set(zmq::sockopt::linger, 0);
    feed.set(zmq::sockopt::sndhwm, options.feed_high_water_mark);
    feed.set(zmq::sockopt::xpub_manual, 1);  // we grant each subscription (drain_subscriptions)
    secure(feed);
    if (curve()) feed_handshakes = std::make_unique<HandshakeMonitor>(context, feed, "feed");
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid, "impossible de préparer le flux " + options.feed + " : " + error.what());
  }
  return bind_endpoint(feed, options.feed);
}

Result<void> Broker::Impl::bind() {
  if (options.api.empty()) options.api = default_ipc_endpoint(options.data_dir, "api");
  if (options.feed.empty()) options.feed = default_ipc_endpoint(options.data_dir, "feed");
  if (!curve()) {
    for (const auto& endpoint : {options.api, options.feed}) {
      if (auto allowed = check_without_curve(endpoint, options.insecure_tcp_loopback); !allowed) {
        return allowed.error();
      }
      if (endpoint_kind(endpoint) == EndpointKind::tcp_loopback) {
        logger()->warn("INSECURE: {} is plain TCP without CURVE (--insecure-tcp-loopback): every local "
                       "account can connect and act as the admin; for demos and tests only",
                       endpoint);
      }
    }
  } else {
    zap = std::make_unique<ZapHandler>(context, state.principals);
  }
  try {
    api.set(zmq::sockopt::linger, 0);
    // Per peer: replies beyond sndhwm to a peer that does not read them are dropped; past
    // rcvhwm queued requests, libzmq stops reading that peer (TCP pushes back on it alone).
    api.set(zmq::sockopt::sndhwm, options.api_high_water_mark * 10);
    api.set(zmq::sockopt::rcvhwm, options.api_high_water_mark);
    // A hard ceiling well above the reply-with-error limit, so huge frames cannot exhaust memory.
    api.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(options.max_message_bytes * 4));
    api.set(zmq::sockopt::router_mandatory, false);
    secure(api);
    if (curve()) api_handshakes = std::make_unique<HandshakeMonitor>(context, api, "api");
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid, "impossible de préparer " + options.api + " : " + error.what());
  }
  if (auto bound = bind_endpoint(api, options.api); !bound) return bound.error();
  startup.api = options.api;
  startup.feed = options.feed;
  return bind_feed();
}

// After a revocation: closing the feed drops every subscriber; each reconnects through a new
// CURVE handshake, which the revoked key no longer passes. Boards notice and resynchronise.
// The feed is bound again by bind_feed_if_due() on the next turns of the loop: the writer thread
// never sleeps waiting for the old listener to go.
void Broker::Impl::close_feed() {
  feed_handshakes.reset();
  feed.close();
  feed_closed_at = std::chrono::steady_clock::now();
  next_feed_bind = *feed_closed_at;
}

void Broker::Impl::bind_feed_if_due() {
  if (!feed_closed_at) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_feed_bind) return;
  // The old ipc listener deletes its socket file as it closes (in libzmq's I/O thread): wait for
  // that (2 s at most), or it would delete the new one.
  std::error_code ec;
  if (const auto path = ipc_path(options.feed);
      !path.empty() && std::filesystem::exists(path, ec) && now - *feed_closed_at < std::chrono::seconds(2)) {
    next_feed_bind = now + std::chrono::milliseconds(1);
    return;
  }
  feed = zmq::socket_t(context, zmq::socket_type::xpub);
  if (auto bound = bind_feed(); bound) {
    logger()->info("feed rebound after a revocation: subscribers reconnect and authenticate again");
    feed_closed_at.reset();
    return;
  }
  feed_handshakes.reset();
  feed.close();
  next_feed_bind = now + std::chrono::milliseconds(20);  // the old listener is still closing
  if (now - *feed_closed_at > std::chrono::seconds(3)) {
    logger()->critical("cannot rebind the feed on {} after a revocation (still trying)", options.feed);
    next_feed_bind = now + std::chrono::seconds(1);
  }
}

// Reads what waits on the api socket into the peers' turns, up to a batch's worth (libzmq hands the
// peers' messages over in turn, so a flooder's backlog stays in its own pipe and TCP connection).
void Broker::Impl::read_waiting_requests() {
  while (turns->size() < 2 * options.max_batch && turns->bytes() < options.max_batch_bytes) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(api, std::back_inserter(frames), zmq::recv_flags::dontwait)) return;
    if (frames.empty()) continue;
    std::string peer = frames[0].to_string();
    turns->push(std::move(peer), std::move(frames));
  }
}

std::optional<OutgoingReply> Broker::Impl::handle_request(std::vector<zmq::message_t> frames,
                                                          std::int64_t now_ms, const std::string& today) {
  OutgoingReply reply;
  reply.routing_id = std::move(frames[0]);
  // [id, payload] from a DEALER, or [id, "", payload] from a REQ socket.
  const bool delimited = frames.size() == 3 && frames[1].size() == 0;
  if (frames.size() != 2 && !delimited) {
    reply.bytes = encode_error(
        0, make_error(wire::Status::malformed,
                      "une requête est une seule trame (un Message FlatBuffers ; une trame vide de "
                      "délimitation la précède pour un socket REQ), reçu " +
                          std::to_string(frames.size() - 1) + " trames"),
        state.sequence);
    return reply;
  }
  reply.delimiter = delimited;
  const zmq::message_t& payload = frames.back();
  const std::string peer = peer_name(reply.routing_id);
  RequestOrigin origin(peer);
  origin.from_loopback = is_loopback(payload);
  origin.routing_id = std::string_view(static_cast<const char*>(reply.routing_id.data()), reply.routing_id.size());
  origin.delimiter = delimited;
  const wire::PrincipalT& principal = principal_of(payload, state.principals, curve());
  const std::string bucket = rate_key(principal, peer, payload, curve(), options.max_message_bytes);
  if (!limiter->admit(bucket, std::chrono::steady_clock::now())) {
    reply.bytes = refuse_rate_limited(peer, payload);
    return reply;
  }
  reply.bytes = dispatcher->handle(origin, principal, payload.to_string_view(), *pending, now_ms, today, &reply.outcome);
  reply.request = std::move(frames.back());
  return reply;
}

std::string Broker::Impl::refuse_rate_limited(std::string_view peer, const zmq::message_t& payload) {
  std::uint64_t request_id = 0;
  if (auto message = wire::decode(payload.data(), payload.size(), options.max_message_bytes)) {
    if (const auto* request = (*message)->body_as_Request()) request_id = request->request_id();
  }
  logger()->debug("rate limited peer={} request={}", peer, request_id);
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", limiter->rate());
  return encode_error(request_id,
                      make_error(wire::Status::rate_limited,
                                 std::string(curve() ? "trop de requêtes de ce principal, toutes connexions "
                                                       "confondues (au-delà de "
                                                     : "trop de requêtes sur cette connexion (au-delà de ") +
                                     rate + " par seconde) : requête refusée, rien n'a été "
                                     "appliqué ; ralentissez puis réessayez"),
                      state.sequence);
}

void Broker::Impl::serve_batch() {
  refresh_storage();
  batch_now_ms = wire::now_ms();
  batch_today = local_date(batch_now_ms);
  read_waiting_requests();
  turns->start_batch();
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < options.max_batch && bytes < options.max_batch_bytes; ++i) {
    auto turn = turns->next();
    if (!turn) break;  // nobody waiting, or every waiting peer had its share of this batch
    const auto started = std::chrono::steady_clock::now();
    auto reply = handle_request(std::move(turn->frames), batch_now_ms, batch_today);
    turns->charge(turn->peer, std::chrono::steady_clock::now() - started);
    if (!reply || reply->bytes.empty()) continue;  // a read of the log: the log reader answers it
    if (probe) probe->on_request(reply->request.to_string_view(), reply->bytes);
    bytes += reply->request.size() + reply->bytes.size();
    outgoing.push_back(std::move(*reply));
  }
  commit_and_send();
}

void Broker::Impl::roll_back_to_store(const Error& error) {
  logger()->error("commit failed, nothing acknowledged: {}", error.message);
  state.feed_rebind_needed = false;
  storage->on_commit_failed(store->last_write_failure(), std::chrono::steady_clock::now());
  dispatcher->refuse_writes(storage->refusal());
  for (auto& [route, read] : deferred_reads) {
    OutgoingReply refused;
    refused.routing_id = zmq::message_t(route.routing_id);
    refused.delimiter = route.delimiter;
    refused.bytes = encode_error(route.request_id, storage->refusal(), committed_sequence);
    outgoing.push_back(std::move(refused));
  }
  deferred_reads.clear();
  // The in-memory state ran ahead of the store: rebuild it from the durable truth.
  replies->clear();
  pending->clear();
  if (auto reloaded = load(); !reloaded) {
    logger()->critical("cannot reload state after a failed commit: {}", reloaded.error().message);
  }
  // Writes of the batch are refused; reads are answered again, from the state as reloaded, since
  // their first answer may show a change that was never committed; the rest stands (refusals,
  // retries' stored replies, a backup whose checkpoint was written). Decided at dispatch.
  for (auto& reply : outgoing) {
    switch (reply.outcome) {
      case Dispatcher::Outcome::write:
        reply.bytes = encode_error(request_id_of(reply.request), storage->refusal(), state.sequence);
        break;
      case Dispatcher::Outcome::read: {
        const std::string peer = peer_name(reply.routing_id);
        RequestOrigin origin(peer);
        origin.from_loopback = is_loopback(reply.request);
        origin.routing_id = std::string_view(static_cast<const char*>(reply.routing_id.data()), reply.routing_id.size());
        origin.delimiter = reply.delimiter;
        reply.bytes = dispatcher->handle(origin, principal_of(reply.request, state.principals, curve()),
                                         reply.request.to_string_view(), *pending, batch_now_ms, batch_today,
                                         &reply.outcome);
        break;
      }
      case Dispatcher::Outcome::stands:
        break;
    }
  }
  // A report answered again may have gone to the log reader, which answers it itself.
  std::erase_if(outgoing, [](const OutgoingReply& reply) { return reply.bytes.empty(); });
}

void Broker::Impl::refresh_storage() {
  if (!storage->refresh(*store, std::chrono::steady_clock::now())) return;
  dispatcher->refuse_writes(storage->degraded() ? std::optional<Error>(storage->refusal()) : std::nullopt);
}

void Broker::Impl::commit_and_send() {
  if (!pending->empty()) {
    if (!pending->events.empty()) pending->batch.set_last_sequence(state.sequence);
    const auto commit_started = std::chrono::steady_clock::now();
    auto committed = store->commit(pending->batch);
    if (probe) {
      probe->on_commit(outgoing.size(), std::chrono::steady_clock::now() - commit_started,
                       static_cast<bool>(committed));
    }
    if (!committed) {
      roll_back_to_store(committed.error());
    } else {
      committed_sequence = state.sequence;
      replies->trim();
    }
  }
  for (auto& [route, read] : deferred_reads) log_reader->submit(std::move(route), std::move(read));
  deferred_reads.clear();
  for (auto& reply : outgoing) send(reply);
  outgoing.clear();
  for (const auto& event : pending->events) publish(event_topic(event.territory), event.bytes);
  for (const auto& alert : pending->alerts) publish(alert_topic(alert.owner), alert.bytes);
  if (probe) probe->on_published(pending->events.size(), pending->alerts.size());
  pending->alerts.clear();
  if (!pending->events.empty()) {
    next_heartbeat = std::chrono::steady_clock::now();  // tell quiet subscribers at once
  }
  pending->events.clear();
  if (state.feed_rebind_needed) {
    state.feed_rebind_needed = false;
    close_feed();
  }
}

void Broker::Impl::send(OutgoingReply& reply) {
  api.send(std::move(reply.routing_id), zmq::send_flags::sndmore);
  if (reply.delimiter) api.send(zmq::message_t(), zmq::send_flags::sndmore);
  api.send(zmq::buffer(reply.bytes), zmq::send_flags::none);
}

bool Broker::Impl::defer_log_read(const RequestOrigin& origin, std::uint64_t request_id, LogRead read) {
  if (log_reader->in_flight() + deferred_reads.size() >= LogReader::kMaxInFlight) return false;
  LogReader::Route route{std::string(origin.routing_id), origin.delimiter, request_id};
  deferred_reads.emplace_back(std::move(route), std::move(read));
  return true;
}

void Broker::Impl::send_log_reads() {
  for (auto& finished : log_reader->take_finished()) {
    OutgoingReply reply;
    reply.routing_id = zmq::message_t(finished.route.routing_id);
    reply.delimiter = finished.route.delimiter;
    reply.bytes = !finished.reply.empty()
                      ? std::move(finished.reply)
                      : encode_error(finished.route.request_id,
                                     make_error(wire::Status::storage_error,
                                                "le rapport n'a pas pu être produit (voir le journal du broker)"),
                                     committed_sequence);
    send(reply);
  }
}

void Broker::Impl::publish(std::string_view topic, std::string_view bytes) {
  if (feed.handle() == nullptr) return;  // closed after a revocation: its subscribers resynchronise
  feed.send(zmq::buffer(topic), zmq::send_flags::sndmore);
  feed.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
}

void Broker::Impl::heartbeat_if_due() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_heartbeat) return;
  const std::int64_t time = wire::now_ms();
  auto send = [&](std::string_view territory, std::uint64_t territory_sequence) {
    flatbuffers::FlatBufferBuilder builder(96);
    wire::finish(builder, wire::CreateHeartbeat(builder, state.sequence, time,
                                                builder.CreateString(territory), territory_sequence));
    publish(heartbeat_topic(territory.empty() ? "*" : territory),
            {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()});
  };
  send({}, 0);
  for (const auto& [territory, sequence] : state.territory_sequence) send(territory, sequence);
  next_heartbeat = now + options.heartbeat;
}

// The broker's own writes, about once a second: holds past their expiry give their place back,
// and time-driven alerts (stale facilities, requests waiting too long) are raised. Committed like
// any batch; skipped while writes are refused (storage degraded).
void Broker::Impl::housekeeping_if_due() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_housekeeping) return;
  next_housekeeping = now + std::chrono::seconds(1);
  publish_metrics();
  if (storage->degraded()) return;
  static const wire::PrincipalT broker_principal = [] {
    wire::PrincipalT principal;
    principal.name = "dispo-broker";
    principal.role = wire::Role::admin;
    return principal;
  }();
  const std::int64_t now_ms = wire::now_ms();
  const RequestContext context{"broker", "dispo-broker", &broker_principal, now_ms, local_date(now_ms)};
  if (const auto expired = expire_holds(state, *pending, context); expired > 0) {
    logger()->info("{} hold(s) expired: their places are available again", expired);
  }
  on_time(state, *pending, now_ms);
  batch_now_ms = now_ms;
  batch_today = context.today;
  commit_and_send();
}

void Broker::Impl::publish_metrics() {
  if (!probe) return;
  const BrokerProbe::Context context{state, *store, options.data_dir, committed_sequence, storage->degraded(),
                                     wire::now_ms()};
  options.metrics->publish(probe->render(context),
                           Health{true, !storage->degraded(), storage->degraded() ? storage->refusal().message : ""});
}

// Manual mode: each subscription message is granted only the topics its principal may receive.
void Broker::Impl::drain_subscriptions() {
  zmq::message_t message;
  while (feed.recv(message, zmq::recv_flags::dontwait)) {
    if (message.size() == 0) continue;
    const auto* bytes = static_cast<const char*>(message.data());
    const bool subscribe = bytes[0] == 1;
    if (!subscribe && bytes[0] != 0) continue;
    const std::string_view requested(bytes + 1, message.size() - 1);
    if (probe) probe->on_subscription(subscribe);
    const wire::PrincipalT& principal = principal_of(message, state.principals, curve());
    const auto topics = granted_topics(principal, requested);
    if (subscribe && topics.empty()) {
      logger()->warn("feed: subscription to \"{}\" by {} refused (outside its territory or role)",
                     requested, principal.name);
    }
    for (const auto& topic : topics) {
      if (subscribe) {
        feed.set(zmq::sockopt::subscribe, topic);
      } else {
        feed.set(zmq::sockopt::unsubscribe, topic);
      }
    }
  }
}

Result<std::unique_ptr<Broker>> Broker::open(const BrokerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->limiter = std::make_unique<PeerLimiter>(options.peer_rate, options.peer_burst);
  impl->turns = std::make_unique<PeerTurns>(options.batch_per_peer, options.batch_time_per_peer);
  impl->storage = std::make_unique<StorageGuard>(options.data_dir, options.min_free_bytes,
                                                 options.storage_retry);
  impl->state.stale_after_ms = std::chrono::milliseconds(options.stale_after).count();
  impl->state.escalate_after_ms = std::chrono::milliseconds(options.escalate_after).count();
  auto store = Store::open(options.data_dir);
  if (!store) return store.error();
  impl->store = std::move(*store);
  if (auto loaded = impl->load(); !loaded) return loaded.error();
  impl->replies = std::make_unique<ReplyCache>(*impl->store);
  impl->dispatcher =
      std::make_unique<Dispatcher>(impl->state, *impl->replies, *impl->store, options.max_message_bytes);
  Impl* loop = impl.get();
  impl->dispatcher->set_backup_handler([loop](const wire::Request& request, const RequestOrigin& origin) {
    return answer_backup(*loop->store, loop->committed_sequence, request, origin.from_loopback);
  });
  impl->log_reader = std::make_unique<LogReader>(*impl->store);
  impl->dispatcher->set_log_reader(
      [loop](const RequestOrigin& origin, std::uint64_t request_id, LogRead read) {
        return loop->defer_log_read(origin, request_id, std::move(read));
      });
  impl->pending = std::make_unique<PendingCommit>(impl->store->batch());
  if (auto bound = impl->bind(); !bound) return bound.error();
  impl->next_heartbeat = std::chrono::steady_clock::now();
  if (options.metrics) {
    impl->probe = std::make_unique<BrokerProbe>();
    impl->publish_metrics();
  }
  return std::unique_ptr<Broker>(new Broker(std::move(impl)));
}

Broker::Broker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Broker::~Broker() = default;

const StartupReport& Broker::startup() const { return impl_->startup; }

void Broker::run(const std::atomic<bool>& stop) {
  Impl& impl = *impl_;
  while (!stop.load()) {
    if (impl.options.on_turn) impl.options.on_turn();
    impl.refresh_storage();
    impl.bind_feed_if_due();
    // Rebuilt each turn: the feed socket is closed, then replaced, after a revocation.
    const bool feed_open = impl.feed.handle() != nullptr;
    std::vector<zmq::pollitem_t> items = {{impl.api.handle(), 0, ZMQ_POLLIN, 0},
                                          {nullptr, impl.log_reader->wake_fd(), ZMQ_POLLIN, 0}};
    const std::size_t feed_item = items.size();
    if (feed_open) items.push_back({impl.feed.handle(), 0, ZMQ_POLLIN, 0});
    const std::size_t zap_item = items.size();
    if (impl.zap) {
      items.push_back({impl.zap->socket().handle(), 0, ZMQ_POLLIN, 0});
      items.push_back({impl.api_handshakes->socket().handle(), 0, ZMQ_POLLIN, 0});
      if (impl.feed_handshakes) items.push_back({impl.feed_handshakes->socket().handle(), 0, ZMQ_POLLIN, 0});
    }
    impl.heartbeat_if_due();
    impl.housekeeping_if_due();
    auto next = std::min(impl.next_heartbeat, impl.next_housekeeping);
    if (impl.feed_closed_at) next = std::min(next, impl.next_feed_bind);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - std::chrono::steady_clock::now());
    if (!impl.turns->empty()) wait = std::chrono::milliseconds(0);  // requests wait for their turn
    try {
      zmq::poll(items.data(), items.size(), std::max(wait, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& error) {
      if (error.num() == EINTR) continue;  // a signal: re-check `stop`
      throw;
    }
    if (impl.zap) {
      if (items[zap_item].revents & ZMQ_POLLIN) impl.zap->answer_waiting();
      if (items[zap_item + 1].revents & ZMQ_POLLIN) impl.api_handshakes->drain();
      if (items.size() > zap_item + 2 && (items[zap_item + 2].revents & ZMQ_POLLIN)) impl.feed_handshakes->drain();
    }
    if (items[1].revents & ZMQ_POLLIN) impl.send_log_reads();
    if (feed_open && (items[feed_item].revents & ZMQ_POLLIN)) impl.drain_subscriptions();
    if ((items[0].revents & ZMQ_POLLIN) || !impl.turns->empty()) impl.serve_batch();
  }
  const auto& stats = impl.dispatcher->stats();
  logger()->info("stopping: sequence={} writes={} reads={} refusals={} duplicates={}",
                 impl.state.sequence, stats.writes, stats.reads, stats.refusals, stats.duplicates);
}

}  // namespace dispo::broker
