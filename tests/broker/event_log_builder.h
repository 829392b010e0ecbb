// Writes a known history straight into a Store's event log (as the broker would log it), for the
// tests of the history replay and the reports built on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "model/facility_state.h"
#include "storage/store.h"

namespace dispo::broker::testing_history {

inline constexpr std::int64_t kHour = 3'600'000;
inline constexpr std::int64_t kDay = 24 * kHour;
inline constexpr std::int64_t kT0 = 1'790'000'000'000 - 1'790'000'000'000 % kDay;  // 2026-09-21T00:00:00Z

inline UnitRecord unit(std::string id, int age_min, int age_max, int installed, int max_siblings = 1) {
  UnitRecord record;
  record.unit.id = std::move(id);
  record.unit.age_min = static_cast<std::uint8_t>(age_min);
  record.unit.age_max = static_cast<std::uint8_t>(age_max);
  record.unit.installed = static_cast<std::uint16_t>(installed);
  record.unit.max_siblings = static_cast<std::uint8_t>(max_siblings);
  record.availability.installed = static_cast<std::uint16_t>(installed);
  return record;
}

inline FacilityRecord facility(std::string id, wire::FacilityKind kind, std::vector<UnitRecord> units,
                               std::string departement = "59") {
  FacilityRecord record;
  record.facility.id = id;
  record.facility.name = "Foyer " + id;
  record.facility.kind = kind;
  record.facility.departement = std::move(departement);
  record.facility.lat = 50.63;
  record.facility.lon = 3.06;
  record.facility.authorisation = wire::Authorisation::autorise;
  record.units = std::move(units);
  return record;
}

inline wire::AvailabilityT availability(int installed, int available, int occupied, std::int64_t confirmed_at,
                                        int reserved = 0, int closed = 0) {
  wire::AvailabilityT a;
  a.installed = static_cast<std::uint16_t>(installed);
  a.available = static_cast<std::uint16_t>(available);
  a.occupied = static_cast<std::uint16_t>(occupied);
  a.reserved = static_cast<std::uint16_t>(reserved);
  a.closed = static_cast<std::uint16_t>(closed);
  a.confirmed_at = confirmed_at;
  a.confirmed_by = "test";
  return a;
}

inline std::unique_ptr<wire::ChildT> child(int age, wire::ChildSex sex = wire::ChildSex::non_precise) {
  auto c = std::make_unique<wire::ChildT>();
  c->age = static_cast<std::uint8_t>(age);
  c->sex = sex;
  return c;
}

// Appends events to the log with increasing sequences, one batch committed by commit().
class EventLog {
 public:
  explicit EventLog(Store& store) : store_(&store), batch_(store.batch()) {}

  std::uint64_t registered(std::int64_t time, const FacilityRecord& record) {
    flatbuffers::FlatBufferBuilder builder;
    auto change = wire::CreateFacilityRegistered(builder, pack_facility_state(builder, record, 12 * kHour));
    return append(builder, time, record.facility.departement, wire::Change::FacilityRegistered, change.Union());
  }

  std::uint64_t changed(std::int64_t time, const std::string& facility_id, const std::string& unit_id,
                        const wire::AvailabilityT& a) {
    flatbuffers::FlatBufferBuilder builder;
    auto change = wire::CreateAvailabilityChanged(builder, builder.CreateString(facility_id),
                                                  builder.CreateString(unit_id), wire::CreateAvailability(builder, &a));
    return append(builder, time, "59", wire::Change::AvailabilityChanged, change.Union());
  }

  std::uint64_t request(std::int64_t time, const wire::PlacementRequestT& request, const std::string& by = "astreinte-59") {
    flatbuffers::FlatBufferBuilder builder;
    auto change = wire::CreatePlacementRequestChanged(builder, wire::PlacementRequest::Pack(builder, &request));
    return append(builder, time, "requests:59", wire::Change::PlacementRequestChanged, change.Union(), by);
  }

  std::uint64_t hold(std::int64_t time, const wire::HoldT& hold) {
    flatbuffers::FlatBufferBuilder builder;
    auto change = wire::CreateHoldChanged(builder, wire::Hold::Pack(builder, &hold));
    return append(builder, time, "requests:59", wire::Change::HoldChanged, change.Union());
  }

  std::uint64_t next_sequence() const { return sequence_ + 1; }
  std::uint64_t sequence() const { return sequence_; }

  void commit() {
    batch_.set_last_sequence(sequence_);
    auto done = store_->commit(batch_);
    if (!done) throw std::runtime_error(done.error().message);
  }

 private:
  std::uint64_t append(flatbuffers::FlatBufferBuilder& builder, std::int64_t time, const std::string& territory,
                       wire::Change type, flatbuffers::Offset<void> change, const std::string& by = "test") {
    const std::uint64_t sequence = ++sequence_;
    auto event = wire::CreateFeedEvent(builder, sequence, time, type, change, builder.CreateString(by),
                                       builder.CreateString(territory), 0);
    wire::finish(builder, event);
    batch_.append_event(sequence, {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()});
    return sequence;
  }

  Store* store_;
  Store::Batch batch_;
  std::uint64_t sequence_ = 0;
};

// A pending request "R-<sequence>" for the children given, in the Nord.
inline wire::PlacementRequestT placement_request(std::uint64_t sequence, std::int64_t waiting_since,
                                                 wire::Origin origin = wire::Origin::on_call,
                                                 wire::LegalBasis basis = wire::LegalBasis::administrative) {
  wire::PlacementRequestT request;
  request.id = "R-" + std::to_string(sequence);
  request.child_ref = "ENF-" + std::to_string(sequence);
  request.origin = origin;
  request.legal_basis = basis;
  request.criteria = std::make_unique<wire::SearchQueryT>();
  request.criteria->departement = "59";
  request.criteria->children.push_back(child(8));
  request.waiting_since = waiting_since;
  request.created_at = waiting_since;
  request.created_by = "astreinte-59";
  return request;
}

}  // namespace dispo::broker::testing_history
