// GroupCommit: one batch of the event loop, from its first request to its one synced write.
//
// Each request admitted during the batch is dispatched here: writes are staged in the pending
// commit, reads answered from memory, reads of the event log handed to the log reader once the
// batch is durable. close() makes the staged writes durable at once, and only then releases the
// replies to send and the events and alerts to publish. A failed commit refuses exactly the writes
// of the batch, answers its reads again from the state reloaded from the store, and lets the rest
// stand (refusals, retries' stored replies, a backup whose checkpoint was written): what each
// reply is to the commit was decided at dispatch (Dispatcher::Outcome) and travels with it.
//
// Knows nothing of sockets: the loop sends and publishes what close() returns. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
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
  // How staged writes become durable: Store::commit. Tests put a failure here.
  using Commit = std::function<Result<void>(Store::Batch&)>;

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
  // The sequence of the last durable event (state.sequence runs ahead while a batch is open).
  std::uint64_t committed_sequence() const { return committed_sequence_; }

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
  // Commits what the batch staged (nothing to write: no commit) and closes the batch.
  Closed close();

 private:
  // A reply waiting for the commit of its batch, with the request it answers (no payload: a
  // refusal of the intake).
  struct Waiting {
    AdmittedRequest request;
    std::string bytes;
    Dispatcher::Outcome outcome = Dispatcher::Outcome::stands;
  };
  void keep(Reply reply);
  void roll_back(const Error& error);
  std::string dispatch(const AdmittedRequest& request, Dispatcher::Outcome* outcome);

  Parts parts_;
  Commit commit_;
  PendingCommit pending_;
  std::vector<Waiting> waiting_;
  // Reads of the event log handed over by the dispatcher during this batch.
  std::vector<std::pair<LogReader::Route, LogRead>> deferred_reads_;
  std::uint64_t committed_sequence_ = 0;
  std::int64_t now_ms_ = 0;
  std::string today_;
  std::size_t bytes_ = 0;
};

}  // namespace dispo::broker
