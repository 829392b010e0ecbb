// Workflow: placement requests, holds, standing subscriptions and alert cursors, as the event
// loop keeps them in memory (RocksDB, column families `workflow` and `alerts`, is the truth).
// Owned by the event loop thread: not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "dispo/schemas/feed_topics.h"
#include "dispo/schemas/wire.h"

namespace dispo::broker {

// One principal's alert stream: alerts are numbered 1, 2, 3… per owner.
struct AlertCursor {
  std::uint64_t last = 0;          // number of the owner's last alert
  std::uint64_t acknowledged = 0;  // every alert up to it was handled (AlertAck)
};

struct Workflow {
  template <typename T>
  using ById = std::map<std::string, T, std::less<>>;

  ById<wire::PlacementRequestT> requests;   // every request, closed ones included
  ById<std::string> open_by_child;          // child_ref -> id of its open or proposed request
  ById<wire::HoldT> holds;                  // active holds only (ended ones are in the store)
  ById<wire::SubscriptionT> subscriptions;
  ById<AlertCursor> alert_cursors;          // by owner
  std::int64_t checked_until_ms = 0;        // time-driven alerts were raised up to here

  const wire::PlacementRequestT* request(std::string_view id) const;
  wire::PlacementRequestT* request(std::string_view id);
  void clear();
};

// Whether a request still waits for a place (open or proposed).
bool is_pending(const wire::PlacementRequestT& request);

// Whether a request waits on a court order (origin court, or legal basis OPP / art. 375): what a
// judge may read, and what capacity reports count as unexecuted orders.
bool is_court_ordered(const wire::PlacementRequestT& request);

// The territory (feed chain and topic) that carries a département's requests and holds:
// "requests:<département>" (dispo/schemas/feed_topics.h), received by on-call and admin only.
using wire::requests_territory;

}  // namespace dispo::broker
