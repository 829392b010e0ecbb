#include "availability_index.h"

namespace dispo::broker {

const UnitRecord* FacilityRecord::unit(std::string_view unit_id) const {
  for (const auto& record : units) {
    if (record.unit.id == unit_id) return &record;
  }
  return nullptr;
}

UnitRecord* FacilityRecord::unit(std::string_view unit_id) {
  return const_cast<UnitRecord*>(std::as_const(*this).unit(unit_id));
}

const FacilityRecord* AvailabilityIndex::facility(std::string_view facility_id) const {
  auto it = facilities_.find(facility_id);
  return it == facilities_.end() ? nullptr : &it->second;
}

FacilityRecord* AvailabilityIndex::facility(std::string_view facility_id) {
  auto it = facilities_.find(facility_id);
  return it == facilities_.end() ? nullptr : &it->second;
}

void AvailabilityIndex::put(FacilityRecord record) {
  std::string id = record.facility.id;
  auto [it, inserted] = facilities_.try_emplace(std::move(id));
  if (!inserted) unit_count_ -= it->second.units.size();
  unit_count_ += record.units.size();
  it->second = std::move(record);
}

void AvailabilityIndex::clear() {
  facilities_.clear();
  unit_count_ = 0;
}

}  // namespace dispo::broker
