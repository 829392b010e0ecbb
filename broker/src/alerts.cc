#include "alerts.h"

namespace dispo::broker {

std::uint64_t raise_alert(BrokerState& state, PendingCommit& pending, std::string_view owner,
                          wire::AlertT alert) {
  auto [cursor, inserted] = state.workflow.alert_cursors.try_emplace(std::string(owner));
  alert.number = ++cursor->second.last;
  pending.batch.put_alert(owner, alert);
  flatbuffers::FlatBufferBuilder builder(256);
  wire::finish(builder, wire::Alert::Pack(builder, &alert));
  pending.alerts.push_back({std::string(owner), std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                                                            builder.GetSize())});
  return alert.number;
}

// TODO(alerts): the matcher; until then no place_matches, capacity_low, stale or waiting alerts.
void on_availability_changed(BrokerState&, PendingCommit&, const RequestContext&, const FacilityRecord&,
                             const UnitRecord&, const wire::AvailabilityT&, std::uint64_t) {}

void on_request_changed(BrokerState&, PendingCommit&, const RequestContext&, const wire::PlacementRequestT&,
                        std::uint64_t) {}

void on_time(BrokerState& state, PendingCommit&, std::int64_t now_ms) { state.workflow.checked_until_ms = now_ms; }

}  // namespace dispo::broker
