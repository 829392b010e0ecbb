// Dispatcher: turns one api frame into a reply. Verifies the frame, authorises it against the
// principal, answers reads from the index, applies writes (staging them in the pending commit) and makes retries idempotent.
// Never throws on input: every bad frame gets an error reply and changes nothing.
// Owned by the event loop thread: not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "state/broker_state.h"
#include "writes/changes.h"
#include "storage/log_read.h"
#include "storage/reply_cache.h"
#include "request_table.h"

namespace dispo::broker {

struct DispatchStats {
  std::uint64_t writes = 0;
  std::uint64_t reads = 0;
  std::uint64_t refusals = 0;
  std::uint64_t duplicates = 0;
};

// Where one request came from, as the event loop read it. It travels with the request to what
// answers it, now or after the batch: the backup's local-only rule, the log reader's reply route.
struct RequestOrigin {
  // A peer's name alone (tests, fuzzing): not from loopback, no route back.
  RequestOrigin(std::string_view peer_name = {}) : peer(peer_name) {}  // NOLINT(google-explicit-constructor)
  RequestOrigin(const char* peer_name) : peer(peer_name) {}            // NOLINT(google-explicit-constructor)
  std::string_view peer;          // for logs
  bool from_loopback = false;     // the ipc socket, or a loopback address
  std::string_view routing_id;    // the api ROUTER's id for the peer (empty: no route back)
  bool delimiter = false;         // a REQ socket: an empty frame precedes the payload
};

class Dispatcher {
 public:
  // `store` answers the reads that are not in memory (alerts, the event log).
  Dispatcher(BrokerState& state, ReplyCache& replies, const Store& store, std::size_t max_message_bytes)
      : state_(&state), replies_(&replies), store_(&store), max_message_bytes_(max_message_bytes) {}

  // What a reply is to the commit of its batch, decided at dispatch (request_table.h): a write
  // staged in the batch or a retry's stored reply (refused if the commit fails: the write it
  // repeats may be in a batch not yet durable), a read of the in-memory state (answered again
  // after a failed commit, from the state reloaded), or a reply that stands whatever the commit
  // does (a refusal, a backup).
  enum class Outcome : std::uint8_t { write, read, stands };

  // Handles one request frame from `principal` (authenticated by CURVE, or Principals::local());
  // writes are staged in `pending` and must be committed before the returned reply is sent.
  // Returns "" when the answer was handed to the log reader (set_log_reader), which answers.
  // `outcome`, when given, receives what the reply is to the commit.
  std::string handle(const RequestOrigin& origin, const wire::PrincipalT& principal, std::string_view frame,
                     PendingCommit& pending, std::int64_t now_ms, const std::string& today,
                     Outcome* outcome = nullptr);

  const DispatchStats& stats() const { return stats_; }

  // Answers BackupRequests (the broker owns the store); without it they are refused.
  using BackupHandler = std::function<std::string(const wire::Request&, const RequestOrigin&)>;
  void set_backup_handler(BackupHandler handler) { backup_ = std::move(handler); }

  // Answers the cluster's requests (ClusterStatusRequest, ClusterChange) on a cluster member; ""
  // when the answer comes later (a change, once committed). Without it they are refused (invalid:
  // a single broker).
  using ClusterHandler = std::function<std::string(const wire::Request&, const RequestOrigin&)>;
  void set_cluster_handler(ClusterHandler handler) { cluster_ = std::move(handler); }

  // On a cluster member: checks that a read flagged `current` may be answered here (this member
  // leads and a Raft barrier confirmed it); its error is the refusal. Without it the flag is
  // ignored (a single broker is always current).
  using CurrentReadCheck = std::function<Result<void>()>;
  void set_current_read_check(CurrentReadCheck check) { current_read_check_ = std::move(check); }

  // On a cluster member: checks that a read asking for a state at least at a sequence this
  // member's state is behind (Request.at_least) may be answered here anyway; its error is the
  // refusal. Without it the field is ignored (a single broker has every acknowledged write).
  using BehindReadCheck = std::function<Result<void>(std::uint64_t at_least, std::uint64_t sequence)>;
  void set_behind_read_check(BehindReadCheck check) { behind_read_check_ = std::move(check); }

  // Takes the reads of the event log (capacity --at, record, export) to answer them off the event
  // loop; returns false when it cannot take more (the request is then refused: unavailable).
  // Without it they are answered inline, by handle().
  using LogReadHandler = std::function<bool(const RequestOrigin&, std::uint64_t request_id, LogRead read)>;
  void set_log_reader(LogReadHandler handler) { log_reader_ = std::move(handler); }

  // While set, new writes are refused with this error before anything is applied (storage
  // degraded); retries of writes already applied still get their stored reply.
  void refuse_writes(std::optional<Error> reason) { write_refusal_ = std::move(reason); }

 private:
  std::string handle_write(const RequestEntry& entry, const HandlerInput& input, PendingCommit& pending,
                           Outcome* outcome);
  std::string resolve(const RequestOrigin& origin, std::uint64_t request_id, Answer answer);
  std::string refuse(std::string_view peer, std::uint64_t request_id, const Error& error,
                     const wire::PrincipalT& principal);

  BrokerState* state_;
  ReplyCache* replies_;
  const Store* store_;
  std::size_t max_message_bytes_;
  DispatchStats stats_;
  std::optional<Error> write_refusal_;
  BackupHandler backup_;
  ClusterHandler cluster_;
  CurrentReadCheck current_read_check_;
  BehindReadCheck behind_read_check_;
  LogReadHandler log_reader_;
};

}  // namespace dispo::broker
