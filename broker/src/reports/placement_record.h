// The written record of a placement request (issue #3, "The written record"): what was searched,
// the request's history from the event log, and every unit of the request's département with
// whether it was suitable at that moment and, if not, the one reason why (suitability.h gives
// the reasons and their fixed order), with the broker sequence and time it stands at. It is
// what a social worker attaches to show that no suitable place existed at that moment.
//
// Reproducible: a record made now stands at the current sequence S and time T; asking with
// sequence S and at T rebuilds the state by replaying the log to S and gives the same record.
// Contains the request's pseudonymous child reference (the social worker needs it), never a
// name. Event loop thread (reads the store).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/broker_state.h"
#include "storage/log_read.h"
#include "storage/store.h"

namespace dispo::broker {

struct RecordMoment {
  std::uint64_t sequence = 0;      // the state the record stands at
  std::int64_t at_ms = 0;          // suitability (staleness, derogations) is judged at this time
  std::int64_t stale_after_ms = 0;
};

// The considerations for `request` over the units of its département in `index` (facility id
// order, then unit registration order), with `suitable` counted; history left empty.
wire::PlacementRecordT build_record(const AvailabilityIndex& index, const wire::PlacementRequestT& request,
                                    const RecordMoment& moment);

// The request's history: each logged event up to `upto` that changed it or one of its holds,
// described in French ("demande ouverte…", "réservation H-9 posée…", "refus…").
Result<std::vector<std::unique_ptr<wire::RecordEntryT>>> request_history(const Store& store, std::string_view id,
                                                                        std::uint64_t upto);

// Answers a RecordRequest with a LogRead: from the in-memory state when neither sequence nor at
// is given (the history still comes from the log); else rebuilt by replaying the log to
// `sequence` (or to time `at`). Errors: unknown_request (no such request at that moment),
// invalid (a sequence beyond the broker's, `at` in the future or before the event `sequence`).
Answer answer_record(const BrokerState& state, std::uint64_t request_id, const wire::RecordRequest& request,
                     const RequestContext& context);

}  // namespace dispo::broker
