// Capacity: the aggregates judges and the observatory read (issue #3, "For judges and the
// observatory"): places by facility kind and age band, waiting requests by origin, unexecuted
// court-ordered requests. No child reference or facility appears in it.
//
// Places: only units of facilities authorised on the day of `at` in the chosen départements.
// installed = the unit's installed capacity; free = available now and confirmed within the
// freshness limit at `at`; stale = available but not confirmed in time (not counted free);
// reserved and closed as published. A unit counts in every age band its age range overlaps
// (bands 0-2, 3-5, 6-10, 11-14, 15-17, 18-21), so bands must not be summed. Rows with no
// installed place are left out; rows are in kind order, then band order.
// Demand: pending (open or proposed) requests of the départements, by origin (every origin, in
// enum order), waiting since waiting_since: median, 90th percentile (nearest rank), longest, in
// seconds. Court-ordered: origin court or legal basis OPP / judgment art. 375, still pending.
// Pure functions; thread-safe while their inputs are not modified.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/availability_index.h"
#include "state/broker_state.h"
#include "storage/log_read.h"
#include "model/workflow.h"

namespace dispo::broker {

struct AgeBand {
  int min;
  int max;
  const char* name;
};
inline constexpr AgeBand kAgeBands[] = {{0, 2, "0-2"},     {3, 5, "3-5"},     {6, 10, "6-10"},
                                        {11, 14, "11-14"}, {15, 17, "15-17"}, {18, 21, "18-21"}};

struct CapacityScope {
  std::int64_t at_ms = 0;            // the moment described; staleness is judged at it
  std::int64_t stale_after_ms = 0;
  std::uint64_t sequence = 0;        // copied into the report
  std::string departement;           // copied into the report ("" = every one of `departements`)
  std::vector<std::string> departements;  // the départements counted; empty = every one
};

wire::CapacityReportT capacity_report(const AvailabilityIndex& index,
                                      const Workflow::ById<wire::PlacementRequestT>& requests,
                                      const CapacityScope& scope);


// The département of a request ("" when it has no criteria).
std::string_view request_departement(const wire::PlacementRequestT& request);

// Answers a CapacityRequest: from the in-memory state when `at` is absent, else a LogRead that
// rebuilds it from the event log up to `at` (refused when in the future or before 1970). An
// empty département means the principal's territory (every département for an admin).
Answer answer_capacity(const BrokerState& state, std::uint64_t request_id, const wire::CapacityRequest& request,
                       const RequestContext& context);

}  // namespace dispo::broker
