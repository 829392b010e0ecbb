// History: a past moment of the broker rebuilt by replaying the event log (DESIGN.md §4: the log
// is keyed by sequence and every event carries the full after-state of what it changed).
//
// A Picture holds what the reports need: facilities, units and their availability, and every
// placement request (closed ones included). HistoryReplay applies FeedEvents in sequence order;
// replay() reads them from the store up to a sequence or a time. Principals and holds are not
// rebuilt (holds show in the availability they changed). Replaying reads the log from its start:
// O(events), on the calling (event loop) thread. Not thread-safe; a Picture is a plain value.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "model/availability_index.h"
#include "storage/store.h"
#include "model/workflow.h"

namespace dispo::broker {

struct Picture {
  AvailabilityIndex index;
  Workflow::ById<wire::PlacementRequestT> requests;  // by id, every request ever opened
  std::uint64_t sequence = 0;  // the last event applied (0: none)
  std::int64_t time = 0;       // its time, Unix ms
};

class HistoryReplay {
 public:
  // Applies one event (sequences must increase). FacilityRegistered replaces the facility and
  // its units; AvailabilityChanged replaces one unit's availability (unknown units are
  // ignored); PlacementRequestChanged replaces the request. Other changes only move sequence
  // and time.
  void apply(const wire::FeedEvent& event);

  const Picture& picture() const { return picture_; }
  Picture take() { return std::move(picture_); }

 private:
  Picture picture_;
};

// Where a replay stops: after the last event with sequence <= `sequence` and time <= `time`.
struct ReplayLimit {
  std::optional<std::uint64_t> sequence;
  std::optional<std::int64_t> time;  // Unix ms, inclusive
};

// The picture after every logged event within `limit`. Errors: storage_error (the log cannot be
// read), malformed (a logged event does not verify).
Result<Picture> replay(const Store& store, const ReplayLimit& limit);

// Calls `visit(event)` for each logged event with sequence >= from, in order, until it returns
// false; each event is verified first (a bad one is an error, malformed).
Result<void> for_each_feed_event(const Store& store, std::uint64_t from,
                                 const std::function<bool(const wire::FeedEvent&)>& visit);

}  // namespace dispo::broker
