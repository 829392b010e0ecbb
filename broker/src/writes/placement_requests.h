// Placement requests (DESIGN.md §3, issue #3): a child or sibling group waiting for a place.
//
// open → proposed (a hold is active) → admitted, or cancelled. Each child of the group has its
// placement (waiting, held, admitted; sibling_group.h); the request is admitted once every child
// is. One pending (open or proposed) request per child reference. Each change stages the full request as a PlacementRequestChanged
// event on the territory "requests:<département>" (so the event log can rebuild any past
// moment) and raises request_changed alerts. Writes validate everything first; on error nothing
// is applied or staged. Event loop thread only.
#pragma once

#include <cstdint>
#include <string>

#include "changes.h"

namespace dispo::broker {

// Opens a request; the reply carries its RequestStatus (with the id "R-<sequence>").
// Errors: invalid (child reference not pseudonymous, no child, no département, bad criteria),
// conflict (a request is already pending for this child: the message names it).
Result<Applied> open_request(BrokerState& state, PendingCommit& pending, const wire::PlacementRequestOpen& open,
                             const RequestContext& context);

// Replaces the criteria, keep_together, waiting_since, legal basis and escalation threshold of a
// pending request. The child reference, origin and département cannot change, nor the children
// once one of them is held or admitted (conflict).
Result<Applied> update_request(BrokerState& state, PendingCommit& pending,
                               const wire::PlacementRequestUpdate& update, const RequestContext& context);

// Cancels a pending request, releasing every active hold it has (admitted children stay so).
Result<Applied> cancel_request(BrokerState& state, PendingCommit& pending,
                               const wire::PlacementRequestCancel& cancel, const RequestContext& context);

// Stages `request` (already changed in state.workflow) as an event, and raises its alerts.
std::uint64_t stage_request(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                            const wire::PlacementRequestT& request);

// The requests the principal sees (one by id, or filtered), each with its active hold, how many
// facilities would take it now and how long it has waited.
std::string answer_requests(const BrokerState& state, std::uint64_t request_id,
                            const wire::PlacementRequestQuery& query, const RequestContext& context);

// Facilities that would take the request's children not admitted yet now (fresh places; all of
// them together when kept together).
std::uint32_t count_matches(const BrokerState& state, const wire::PlacementRequestT& request,
                            const RequestContext& context);

// A RequestStatus of `request`, for replies.
flatbuffers::Offset<wire::RequestStatus> pack_request_status(flatbuffers::FlatBufferBuilder& builder,
                                                             const BrokerState& state,
                                                             const wire::PlacementRequestT& request,
                                                             const RequestContext& context);

}  // namespace dispo::broker
