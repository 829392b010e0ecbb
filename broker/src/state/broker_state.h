// The broker's in-memory state and what one group commit will make durable and visible.
// Both are owned by the event loop thread: not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "alert_matcher.h"
#include "model/availability_index.h"
#include "model/principals.h"
#include "storage/store.h"
#include "model/workflow.h"

namespace dispo::broker {

struct BrokerState {
  AvailabilityIndex index;
  std::uint64_t sequence = 0;      // last sequence assigned (committed or staged)
  std::int64_t stale_after_ms = 12LL * 3600 * 1000;
  Principals principals;
  // Last event sequence of each territory (département, or "admin"): the feed's per-topic chain.
  std::map<std::string, std::uint64_t, std::less<>> territory_sequence;
  bool feed_rebind_needed = false;  // a revocation was committed: drop every feed subscriber
  Workflow workflow;
  std::int64_t escalate_after_ms = 4LL * 3600 * 1000;  // a request waiting longer escalates
  AlertMatcher alert_matcher;  // derived from the workflow and the index (alerts.h)
};

// Reads into `state` everything but the index: the last sequence, the principals, each
// territory's last sequence and the workflow (what a write needs to stage the next change).
Result<void> load_bookkeeping(const Store& store, BrokerState& state);

// A staged feed event: the territory whose topic carries it, and its Message{FeedEvent} bytes.
struct StagedEvent {
  std::string territory;
  std::string bytes;
};

// An alert staged with the commit that raised it: published on "al/<owner>/" once durable.
struct StagedAlert {
  std::string owner;
  std::string bytes;  // Message{Alert}
};

// Writes staged for the next commit, and the feed events to publish once it is durable.
// The sequence bookkeeping (the last sequence, each territory's last event) is written once per
// commit, by seal().
struct PendingCommit {
  explicit PendingCommit(Store::Batch batch) : batch(std::move(batch)) {}

  Store::Batch batch;
  std::vector<StagedEvent> events;  // in sequence order
  std::vector<StagedAlert> alerts;  // in each owner's number order

  bool empty() const { return batch.empty(); }
  // Stages, once for the whole commit, the last sequence and the last event of each territory
  // the staged events are on (as `state` has them now). Nothing without events.
  void seal(const BrokerState& state);
  void clear() {
    batch.clear();
    events.clear();
    alerts.clear();
  }
};

// Who sent a request and when it is handled. `peer` is the connection (ZeroMQ routing id, hex);
// `client_id` the client's stable id across reconnects; `principal` the authenticated principal
// (Principals::local() without CURVE), never null.
struct RequestContext {
  std::string_view peer;
  std::string_view client_id;
  const wire::PrincipalT* principal = &Principals::local();
  std::int64_t now_ms = 0;
  std::string today;  // "YYYY-MM-DD", the broker's local date (validation.h local_date): derogations end at local midnight
  const wire::PrincipalT* via = nullptr;  // the gateway acting for `principal` (on_behalf_of), if any
};

}  // namespace dispo::broker
