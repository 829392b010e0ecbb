#include "facility_state.h"

namespace dispo::broker {

flatbuffers::Offset<wire::FacilityState> pack_facility_state(flatbuffers::FlatBufferBuilder& builder,
                                                             const FacilityRecord& record,
                                                             std::int64_t stale_after_ms,
                                                             const std::vector<const wire::HoldT*>& holds) {
  std::vector<flatbuffers::Offset<wire::UnitState>> units;
  units.reserve(record.units.size());
  for (const auto& unit : record.units) {
    units.push_back(wire::CreateUnitState(builder, wire::CreateUnit(builder, &unit.unit),
                                          wire::CreateAvailability(builder, &unit.availability)));
  }
  auto facility = wire::CreateFacility(builder, &record.facility);
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<wire::Hold>>> packed_holds;
  if (!holds.empty()) {
    std::vector<flatbuffers::Offset<wire::Hold>> offsets;
    for (const auto* hold : holds) offsets.push_back(wire::Hold::Pack(builder, hold));
    packed_holds = builder.CreateVector(offsets);
  }
  return wire::CreateFacilityState(builder, facility, builder.CreateVector(units),
                                   static_cast<std::uint32_t>(stale_after_ms / 1000), packed_holds);
}

}  // namespace dispo::broker
