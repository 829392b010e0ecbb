// AvailabilityIndex: the broker's in-memory picture of every facility, unit and its latest
// availability. Owned by the event loop thread (DESIGN.md "one writer"): not thread-safe.
// RocksDB is the source of truth; the index is rebuilt from it on start.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/wire.h"

namespace dispo::broker {

struct UnitRecord {
  wire::UnitT unit;
  wire::AvailabilityT availability;
};

struct FacilityRecord {
  wire::FacilityT facility;       // `facility.units` is kept empty: the units live below
  std::vector<UnitRecord> units;  // in registration order

  const UnitRecord* unit(std::string_view unit_id) const;
  UnitRecord* unit(std::string_view unit_id);
};

class AvailabilityIndex {
 public:
  using Facilities = std::map<std::string, FacilityRecord, std::less<>>;

  const FacilityRecord* facility(std::string_view facility_id) const;
  FacilityRecord* facility(std::string_view facility_id);

  // Inserts or replaces the facility with this id.
  void put(FacilityRecord record);

  const Facilities& facilities() const { return facilities_; }
  std::size_t unit_count() const { return unit_count_; }
  void clear();

 private:
  Facilities facilities_;
  std::size_t unit_count_ = 0;
};

}  // namespace dispo::broker
