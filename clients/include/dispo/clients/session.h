// Session: one client's request/reply conversation with the broker's api socket (DEALER).
//
// call() waits for the reply with a timeout; on timeout it reconnects and resends the SAME
// request id (the ZeroMQ guide's Lazy Pirate), so the broker applies a retried write once.
// A cluster (issue #16) is given as a list, "tcp://a:7001,tcp://b:7001,tcp://c:7001": a member
// that does not lead (`not_leader`) or does not answer sends the call to the next one — to the
// leader it names (Reply.leader_api) when it does, added to the list if it was not there (a member
// added later) — with the same request id, until one acknowledges it; the session stays with the
// member that answered. One endpoint is enough to find the leader that way.
// send()/receive() keep many requests in flight for publishers and benchmarks.
// A failed handshake (a broker requiring CURVE and no key, an unknown or revoked key, another
// broker's public key) is seen at once through a socket monitor: call() then fails with
// `unauthenticated` and a French message saying why, instead of waiting for replies that cannot
// come and saying "broker injoignable".
// Not thread-safe: one Session per thread; the zmq::context_t may be shared.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>
#include <string>

#include <zmq.hpp>

#include "dispo/schemas/wire.h"

namespace dispo::client {

// The broker's defaults without --api/--feed, from the directory where it was started with its
// default data directory (var/dispo): Unix sockets only its user may reach. Elsewhere, set
// DISPO_BROKER / DISPO_FEED (e.g. ipc:///var/lib/dispo/api.sock, or tcp://… with CURVE).
inline constexpr const char* kDefaultBroker = "ipc://var/dispo/api.sock";
inline constexpr const char* kDefaultFeed = "ipc://var/dispo/feed.sock";

// CURVE keys of a client: its own key pair and the broker's public key (Z85). All empty: a plain
// connection, which a broker accepts on loopback only.
struct ClientKeys {
  std::string broker_public;
  std::string public_key;
  std::string secret_key;

  bool empty() const { return broker_public.empty(); }
};

// Makes `socket` a CURVE client with `keys` (before it connects); nothing when keys are empty.
void apply_client_keys(zmq::socket_t& socket, const ClientKeys& keys);

// A comma-separated list of endpoints (a cluster's members, in order) split into its members; a
// single endpoint gives a list of one.
std::vector<std::string> endpoint_list(std::string_view list);

struct SessionOptions {
  std::string broker = kDefaultBroker;              // api endpoint, or a cluster's, comma-separated
  std::chrono::milliseconds timeout{2500};          // per attempt
  int attempts = 3;                                 // 1 = no retry
  std::string client_id;                            // empty = a random id for this process
  ClientKeys keys{};                                // empty = no CURVE (loopback)
  bool current = false;  // a cluster: every request's reads must be current (Request.current):
                         // the leader answers them after confirming it leads
  bool follow_leader = true;  // a cluster: go to the leader a refusal names (Reply.leader_api);
                              // false keeps the session on its list (a test pinned to a member)
  // A cluster: the newest sequence this session was answered at, shared with every session given
  // the same counter (null: one of its own). Each request asks for a state at least that new
  // (Request.at_least), so a read never shows less than a write a sharing session saw acknowledged:
  // a follower still behind it sends the read on to the leader. dispo-web's sessions share one.
  std::shared_ptr<std::atomic<std::uint64_t>> seen{};
};

// A verified reply; owns its bytes.
class ReplyMessage {
 public:
  ReplyMessage(std::string bytes, const wire::Reply* reply) : bytes_(std::move(bytes)), reply_(reply) {}
  ReplyMessage(ReplyMessage&& other) noexcept;
  ReplyMessage& operator=(ReplyMessage&& other) noexcept;
  ReplyMessage(const ReplyMessage&) = delete;
  ReplyMessage& operator=(const ReplyMessage&) = delete;

  const wire::Reply* operator->() const { return reply_; }
  const wire::Reply& get() const { return *reply_; }

 private:
  std::string bytes_;
  const wire::Reply* reply_;
};

class Session {
 public:
  Session(zmq::context_t& context, SessionOptions options);
  Session(Session&&) = default;
  Session& operator=(Session&&) = default;
  ~Session();

  // Sends `body` and waits for its reply, retrying as described above.
  // Errors: `unavailable` with a French message when the broker does not answer;
  // the broker's own status and message when it refuses the request.
  Result<ReplyMessage> call(wire::RequestBodyUnion body);

  // As call(), for a gateway acting for the person `on_behalf_of` (Request.on_behalf_of).
  Result<ReplyMessage> call_for(const std::string& on_behalf_of, wire::RequestBodyUnion body);

  // Waits up to `wait` for the connection's handshake: true once it succeeded, false when nothing
  // is known yet (no broker listening, or no answer in time), an `unauthenticated` error when it
  // failed. For a publisher that must not keep an update it can never deliver.
  Result<bool> wait_for_handshake(std::chrono::milliseconds wait);

  // Pipelined use: send() returns the request id at once (never blocks for long: the
  // socket queues); receive() returns the next reply or nothing after `wait`.
  std::uint64_t send(const wire::RequestBodyUnion& body);
  std::optional<ReplyMessage> receive(std::chrono::milliseconds wait);

  // A request encoded beforehand (e.g. kept in a publisher's outbox, with its own request id and
  // client id): call_encoded() sends it and waits like call(), retrying the same bytes;
  // send_encoded() is the pipelined form (the reply comes through receive()).
  Result<ReplyMessage> call_encoded(std::uint64_t request_id, const std::string& request);
  void send_encoded(const std::string& request);

  // The handshake failure seen on this connection, if any (receive() returns nothing then).
  const std::optional<Error>& authentication_failure() const { return authentication_failure_; }

  const std::string& client_id() const { return options_.client_id; }
  const std::string& broker() const { return options_.broker; }
  // The endpoint this session is connected to now (a cluster: the member that last answered).
  const std::string& endpoint() const { return endpoints_[current_]; }
  // Times a call was sent again at once, elsewhere, because the member it waited on was gone (its
  // connection closed, or nobody listened there) rather than after the timeout.
  std::uint64_t lost_connections() const { return lost_connections_; }

 private:
  void connect();
  std::string encode(std::uint64_t request_id, const wire::RequestBodyUnion& body,
                     const std::string& on_behalf_of = {}) const;
  // The newest sequence an answer was at, shared (SessionOptions.seen): raised, never lowered.
  void raise_seen(std::uint64_t sequence);
  // Reads the monitor's events: sets handshake_succeeded_, broker_absent_, authentication_failure_
  // or connection_lost_.
  void read_handshake_events();
  // receive(), which also returns (nothing) as soon as the member is gone (member_gone()).
  std::optional<ReplyMessage> receive(std::chrono::milliseconds wait, bool until_lost);
  // Its connection closed after a handshake, or (a cluster's member) nobody listens there.
  bool member_gone() const;

  // The next member of the list (nothing to do with one endpoint), connected afresh.
  void next_member();
  // Where `endpoint` is in the list; appended when it is not (a leader named by a refusal).
  std::size_t endpoint_index(const std::string& endpoint);

  zmq::context_t* context_;
  SessionOptions options_;
  std::vector<std::string> endpoints_;  // options_.broker split at commas, then leaders named
  std::size_t current_ = 0;
  zmq::socket_t monitor_;  // events of socket_'s connection (before socket_: closed after it)
  zmq::socket_t socket_;
  bool handshake_succeeded_ = false;
  bool broker_absent_ = false;             // the last connection attempt found nobody listening
  int failed_handshakes_ = 0;              // without detail, in a row (the broker closed during it)
  std::optional<Error> authentication_failure_;
  bool connection_lost_ = false;           // closed after a handshake succeeded (the member went away)
  std::uint64_t lost_connections_ = 0;
  std::uint64_t next_request_id_ = 1;
};

// A fresh random client id (hex), e.g. for a process that does not persist one.
std::string random_client_id();

}  // namespace dispo::client
