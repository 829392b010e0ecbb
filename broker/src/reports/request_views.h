// What a facility reads of the placement requests behind the holds on its units (issue #10,
// "Facility"), so that it admits or declines knowing for whom — and nothing more: the request's
// id, pseudonymous reference, legal basis and state, its département, and its children (age,
// sex, needs) with the group's needs and whether they are to stay together; never the note, the creator, the origin, the near point,
// the waiting time, the refusals or another facility's hold. The reply is the usual RequestList
// of RequestStatus, each marked `restricted`, with the facility's own active hold on it.
// Pure functions of the state; event loop thread.
#pragma once

#include <cstdint>
#include <string>

#include "state/broker_state.h"

namespace dispo::broker {

// The restricted copy of `request` that a facility reads.
wire::PlacementRequestT facility_view(const wire::PlacementRequestT& request);

// Answers a PlacementRequestQuery of a facility principal: the request named by `query.id`
// (unknown_request when there is none, forbidden when none of its places is held for it — the
// authorisation already refused that), else every request with an active hold on one of its
// facilities' units, in the département asked if any, longest held first.
std::string answer_held_requests(const BrokerState& state, std::uint64_t request_id,
                                 const wire::PlacementRequestQuery& query, const RequestContext& context);

}  // namespace dispo::broker
