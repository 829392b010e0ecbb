// Changes: the write requests. Each validates everything first, then applies to the index,
// stages the durable writes and the feed events in `pending`, and returns the last sequence
// number it assigned. On error nothing is applied or staged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "state/broker_state.h"
#include "dispo/schemas/result.h"
#include "model/replies.h"

namespace dispo::broker {

// Registers or replaces facilities with their units, all or nothing. Units that remain keep
// their availability (reset to unconfirmed zero if it no longer fits the new capacity).
Result<std::uint64_t> register_facilities(BrokerState& state, PendingCommit& pending,
                                          const wire::Registration& registration,
                                          const RequestContext& context);

// New counts for one unit, confirmed now by the requesting peer.
Result<std::uint64_t> update_availability(BrokerState& state, PendingCommit& pending,
                                          const wire::AvailabilityUpdate& update,
                                          const RequestContext& context);

// "Still current" for one unit or every unit of a facility.
Result<std::uint64_t> confirm_current(BrokerState& state, PendingCommit& pending,
                                      const wire::Confirmation& confirmation,
                                      const RequestContext& context);

// What a write applied: the last sequence it assigned and, for writes that answer with data
// (an opened request's id, a hold), the body of the reply.
struct Applied {
  std::uint64_t sequence = 0;
  ReplyBodyWriter body;
};

// Stages the unit's availability (already changed in the index from `before`): the durable
// write, the AvailabilityChanged event and the alerts it raises. Returns its sequence.
std::uint64_t stage_availability(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                                 const FacilityRecord& facility, const UnitRecord& unit,
                                 const wire::AvailabilityT& before);

// Who made a change, as the event log and `confirmed_by` record it: the principal's name, or
// the client id when CURVE is off (every request is then Principals::local()).
std::string actor(const RequestContext& context);

// Appends the event for `change` with the next sequence number, on `territory`'s chain.
template <typename ChangeT>
std::uint64_t stage_event(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                          std::string_view territory, flatbuffers::FlatBufferBuilder& builder,
                          flatbuffers::Offset<ChangeT> change);

}  // namespace dispo::broker
