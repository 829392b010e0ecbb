// Holds (DESIGN.md §3, issues #3 and #10): places of a unit reserved for children of a placement
// request for a limited time, so that two on-call workers never promise the same bed.
//
// A hold covers some children of the request's sibling group (HoldPlace.children, positions in
// criteria.children; absent = every child not yet covered) and takes one `available` place per
// child into `reserved` at once for everyone (an AvailabilityChanged event). A request may have
// several active holds, a child at most one. The unit's rules apply to each child covered (age,
// sex, the child's own needs) and to the children of the group it would hold (max_siblings). A
// hold that puts children in another unit than their brothers and sisters (held or admitted)
// needs a split reason (Code civil art. 371-5), recorded on the hold and in the request's
// `splits`. A hold ends once: admitted (reserved → occupied for each child, the children
// admitted; the request is admitted when every child is), released or declined by the facility
// (the places come back, those children wait again; a decline records its coded reason), or
// expired (as released, by the broker, when expires_at passes). With the event loop as the only
// writer, holds racing for the last places are decided in arrival order: one wins each place,
// the others get `conflict`. Every refusal changes nothing. Event loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "changes.h"

namespace dispo::broker {

inline constexpr std::uint32_t kDefaultHoldSeconds = 2 * 3600;
inline constexpr std::uint32_t kMaxHoldSeconds = 72 * 3600;

// Reply: HoldResult (the hold, the unit's availability, the request).
Result<Applied> place_hold(BrokerState& state, PendingCommit& pending, const wire::HoldPlace& place,
                           const RequestContext& context);

// Reply: HoldResult. Errors: unknown_request (no such hold), conflict (already ended: the
// message says how, read from `store`).
Result<Applied> end_hold(BrokerState& state, PendingCommit& pending, const Store& store, const wire::HoldEnd& end,
                         const RequestContext& context);

// Ends `hold_id` (active) as released, expired or declined without further checks, giving its
// places back (the request is left to the caller); used by cancellation. Returns the last sequence staged.
std::uint64_t give_back(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                        const std::string& hold_id, wire::HoldState outcome);

// Expires every active hold whose expires_at <= now (the broker as actor). Returns how many.
std::size_t expire_holds(BrokerState& state, PendingCommit& pending, const RequestContext& context);

// Ends, as released, the active holds on units `facility` no longer has (a new registration
// removed them) and reopens their requests, so no request waits on a bed that is gone. Returns
// the last sequence staged (state.sequence when there was none).
std::uint64_t release_holds_on_removed_units(BrokerState& state, PendingCommit& pending,
                                             const RequestContext& context, const FacilityRecord& facility);

// The active holds on a facility's units.
std::vector<const wire::HoldT*> holds_on(const BrokerState& state, std::string_view facility_id);

}  // namespace dispo::broker
