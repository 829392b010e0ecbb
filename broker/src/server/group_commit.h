// GroupCommit: one batch of the event loop, from its first request to its durable write.
//
// Each request admitted during the batch is dispatched here: writes are staged in the pending
// commit, reads answered from memory, reads of the event log handed to the log reader once the
// batch is durable. close() hands the staged writes to the commit and keeps the batch's replies,
// events and alerts until they are durable: at once on a single broker (one synced write), later
// on a cluster's leader, whose commit only proposes the batch — the loop then dispatches the next
// batches while it is replicated, and settle() releases each batch once its commit is decided,
// always in the order the batches closed (a batch of reads only waits for the writes before it,
// whose effects its answers may show). A failed commit refuses exactly the writes of the batches
// not yet released, answers their reads again from the state reloaded from the store, and lets
// the rest stand (refusals, a backup whose checkpoint was written): what each reply is to the
// commit was decided at dispatch (Dispatcher::Outcome) and travels with it.
//
// Knows nothing of sockets: the loop sends and publishes what close() and settle() return. Loop
// thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dispatcher.h"
#include "intake.h"
#include "metrics/broker_probe.h"
#include "storage/log_reader.h"
#include "storage/storage_guard.h"
#include "storage/store.h"

namespace dispo::broker {

// A message for the feed: its topic and its bytes.
struct Publication {
  std::string topic;
  std::string bytes;
};

class GroupCommit {
 public:
  // Starts making the staged writes durable, and clears the batch once it took them: 0 when they
  // are durable already (Store::commit), else a ticket for settle() (a cluster's proposal). An
  // error: nothing of the batch was taken. Tests put a failure here.
  using Ticket = std::uint64_t;
  using Commit = std::function<Result<Ticket>(Store::Batch&)>;

  struct Parts {
    BrokerState& state;
    Store& store;
    ReplyCache& replies;
    Dispatcher& dispatcher;
    StorageGuard& storage;
    LogReader& log_reader;
    BrokerProbe* probe = nullptr;  // null: not measured
    bool curve = false;            // principals come from CURVE keys (else the local admin)
  };
  GroupCommit(Parts parts, Commit commit);

  // Rebuilds the in-memory state from the store: at start-up, and after a failed commit.
  Result<void> load();
  // The sequence of the last durable event (state.sequence runs ahead while a batch is open or
  // a commit is in flight).
  std::uint64_t committed_sequence() const { return committed_sequence_; }
  // Batches closed and not yet released (their commit in flight, or one before them).
  std::size_t in_flight() const { return held_.size(); }

  // Opens a batch: its requests are handled at `now_ms`, on the broker's local date.
  void begin(std::int64_t now_ms);
  std::int64_t now_ms() const { return now_ms_; }
  const std::string& today() const { return today_; }
  // What the batch will write: the broker's own writes (housekeeping) are staged here too.
  PendingCommit& pending() { return pending_; }

  // Dispatches one admitted request and keeps its reply for close().
  void answer(AdmittedRequest request);
  // Keeps a reply that needed no dispatch (a refusal of the intake).
  void add(Reply reply);
  // Bytes of the requests and replies of the batch so far.
  std::size_t bytes() const { return bytes_; }

  // The dispatcher's hook for reads of the event log: submitted to the log reader once the batch
  // is durable, refused if it is not. False when the log reader has no room (the read is refused).
  bool defer_log_read(const RequestOrigin& origin, std::uint64_t request_id, LogRead read);

  struct Closed {
    std::vector<Reply> replies;             // to send, in order
    std::vector<Publication> publications;  // events, then alerts, once durable
    bool events = false;                    // events were published: heartbeat quiet subscribers now
    bool close_feed = false;                // a revocation was committed: drop every subscriber
  };
  // Hands what the batch staged to the commit (nothing to write: no commit) and closes the
  // batch; returns what became durable (this batch, when its commit was and nothing is before it).
  Closed close();
  // The commit of `ticket` is decided: returns the batches released by it (none for a ticket
  // already rolled back). A failure rolls back every batch not yet released.
  Closed settle(Ticket ticket, const Result<void>& committed);

 private:
  // A reply waiting for the commit of its batch, with the request it answers (no payload: a
  // refusal of the intake).
  struct Waiting {
    AdmittedRequest request;
    std::string bytes;
    Dispatcher::Outcome outcome = Dispatcher::Outcome::stands;
  };
  // A closed batch, held until its commit (and every one before it) is decided.
  struct Held {
    Ticket ticket = 0;
    bool durable = false;  // its own writes (if any) are durable
    std::vector<Waiting> waiting;
    std::vector<std::pair<LogReader::Route, LogRead>> reads;  // to the log reader once released
    std::vector<Publication> publications;
    bool events = false;
    bool close_feed = false;
    std::uint64_t sequence = 0;  // the state's sequence when it closed
    std::chrono::steady_clock::time_point closed_at;
  };
  void keep(Reply reply);
  Closed release();
  Closed roll_back(const Error& error, std::optional<Held> current);
  std::string dispatch(const AdmittedRequest& request, Dispatcher::Outcome* outcome);

  Parts parts_;
  Commit commit_;
  PendingCommit pending_;
  std::vector<Waiting> waiting_;
  // Reads of the event log handed over by the dispatcher during this batch.
  std::vector<std::pair<LogReader::Route, LogRead>> deferred_reads_;
  std::deque<Held> held_;  // in the order they closed
  std::uint64_t committed_sequence_ = 0;
  std::int64_t now_ms_ = 0;
  std::string today_;
  std::size_t bytes_ = 0;
};

}  // namespace dispo::broker
