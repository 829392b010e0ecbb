#include "changes.h"

#include <set>
#include <utility>

#include "alerts.h"
#include "model/facility_state.h"
#include "holds.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

Error unknown_facility(std::string_view id) {
  return make_error(wire::Status::unknown_facility,
                    "établissement " + std::string(id) + " inconnu (pas encore enregistré ?)");
}

Error unknown_unit(std::string_view facility_id, std::string_view unit_id) {
  return make_error(wire::Status::unknown_unit, "unité " + std::string(unit_id) +
                                                    " inconnue dans l'établissement " +
                                                    std::string(facility_id));
}

}  // namespace

std::string actor(const RequestContext& context) {
  if (context.principal == &Principals::local()) return std::string(context.client_id);
  return context.principal->name;
}

template <typename ChangeT>
std::uint64_t stage_event(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                          std::string_view territory, flatbuffers::FlatBufferBuilder& builder,
                          flatbuffers::Offset<ChangeT> change) {
  const std::uint64_t sequence = ++state.sequence;
  auto [last, inserted] = state.territory_sequence.try_emplace(std::string(territory), 0);
  const std::uint64_t previous = last->second;
  last->second = sequence;
  auto event = wire::CreateFeedEvent(builder, sequence, context.now_ms,
                                     wire::ChangeTraits<ChangeT>::enum_value, change.Union(),
                                     builder.CreateString(actor(context)),
                                     builder.CreateString(territory), previous,
                                     context.via ? builder.CreateString(context.via->name) : flatbuffers::Offset<flatbuffers::String>());
  wire::finish(builder, event);
  std::string bytes(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
  pending.batch.append_event(sequence, bytes);
  pending.events.push_back({std::string(territory), std::move(bytes)});
  return sequence;
}

template std::uint64_t stage_event(BrokerState&, PendingCommit&, const RequestContext&,
                                   std::string_view, flatbuffers::FlatBufferBuilder&,
                                   flatbuffers::Offset<wire::PrincipalChanged>);

template std::uint64_t stage_event(BrokerState&, PendingCommit&, const RequestContext&,
                                   std::string_view, flatbuffers::FlatBufferBuilder&,
                                   flatbuffers::Offset<wire::PlacementRequestChanged>);
template std::uint64_t stage_event(BrokerState&, PendingCommit&, const RequestContext&,
                                   std::string_view, flatbuffers::FlatBufferBuilder&,
                                   flatbuffers::Offset<wire::HoldChanged>);

std::uint64_t stage_availability(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                                 const FacilityRecord& facility, const UnitRecord& unit,
                                 const wire::AvailabilityT& before) {
  pending.batch.put_availability(facility.facility.id, unit.unit.id, unit.availability);
  flatbuffers::FlatBufferBuilder builder(256);
  auto change = wire::CreateAvailabilityChanged(
      builder, builder.CreateString(facility.facility.id), builder.CreateString(unit.unit.id),
      wire::CreateAvailability(builder, &unit.availability));
  const std::uint64_t sequence = stage_event(state, pending, context, facility.facility.departement, builder, change);
  on_availability_changed(state, pending, context, facility, unit, before, sequence);
  return sequence;
}

namespace {

// A facility publishes the places it knows; the places dispo holds on a unit are not in its counts
// (its staff see them with `dispo facility`). So an update applies to the unit as the facility
// sees it, and each active hold then keeps one place out of `available` and in `reserved`,
// whatever the facility publishes meanwhile.
unsigned holds_on_unit(const Workflow& workflow, const FacilityRecord& facility, const UnitRecord& unit) {
  unsigned held = 0;
  for (const auto& [id, hold] : workflow.holds) {
    held += hold.facility_id == facility.facility.id && hold.unit_id == unit.unit.id;
  }
  return held;
}

// The facility as it will be after registration, keeping what it knew of remaining units.
FacilityRecord merged_record(wire::FacilityT facility, const FacilityRecord* previous) {
  FacilityRecord record;
  for (auto& unit : facility.units) {
    UnitRecord next;
    next.unit = *unit;
    const UnitRecord* before = previous ? previous->unit(unit->id) : nullptr;
    if (before != nullptr) next.availability = before->availability;
    next.availability.installed = unit->installed;
    const auto& a = next.availability;
    if (unsigned{a.available} + a.occupied + a.reserved + a.closed > a.installed) {
      next.availability = wire::AvailabilityT{};
      next.availability.installed = unit->installed;
    }
    record.units.push_back(std::move(next));
  }
  facility.units.clear();
  record.facility = std::move(facility);
  return record;
}

}  // namespace

Result<std::uint64_t> register_facilities(BrokerState& state, PendingCommit& pending,
                                          const wire::Registration& registration,
                                          const RequestContext& context) {
  const auto* facilities = registration.facilities();
  if (facilities == nullptr || facilities->size() == 0) {
    return make_error(wire::Status::invalid, "aucun établissement à enregistrer");
  }
  std::vector<wire::FacilityT> checked;
  checked.reserve(facilities->size());
  std::set<std::string> ids;
  for (const auto* facility : *facilities) {
    wire::FacilityT native;
    facility->UnPackTo(&native);
    if (auto valid = check_facility(native, context.today); !valid) return valid.error();
    if (!ids.insert(native.id).second) {
      return make_error(wire::Status::invalid,
                        "établissement " + native.id + " présent deux fois dans l'enregistrement");
    }
    const FacilityRecord* previous = state.index.facility(native.id);
    if (previous != nullptr && previous->facility.departement != native.departement) {
      return make_error(wire::Status::invalid,
                        "l'établissement " + native.id + " est enregistré dans le " +
                            previous->facility.departement + " : il ne peut pas changer de département");
    }
    checked.push_back(std::move(native));
  }

  std::uint64_t sequence = state.sequence;
  for (auto& facility : checked) {
    const FacilityRecord* previous = state.index.facility(facility.id);
    if (previous != nullptr) {
      for (const auto& unit : previous->units) {
        const bool kept = std::any_of(facility.units.begin(), facility.units.end(),
                                      [&](const auto& u) { return u->id == unit.unit.id; });
        if (!kept) pending.batch.delete_availability(facility.id, unit.unit.id);
      }
    }
    pending.batch.put_facility(facility);
    const std::string record_id = facility.id;
    FacilityRecord record = merged_record(std::move(facility), previous);
    for (const auto& unit : record.units) {
      pending.batch.put_availability(record.facility.id, unit.unit.id, unit.availability);
    }
    std::vector<wire::AvailabilityT> before;
    for (const auto& unit : record.units) {
      const UnitRecord* known = previous ? previous->unit(unit.unit.id) : nullptr;
      before.push_back(known ? known->availability : wire::AvailabilityT{});
    }
    flatbuffers::FlatBufferBuilder builder(1024);
    auto change = wire::CreateFacilityRegistered(builder, pack_facility_state(builder, record, state.stale_after_ms));
    sequence = stage_event(state, pending, context, record.facility.departement, builder, change);
    state.index.put(std::move(record));
    const FacilityRecord& registered = *state.index.facility(record_id);
    for (std::size_t i = 0; i < registered.units.size(); ++i) {
      on_availability_changed(state, pending, context, registered, registered.units[i], before[i], sequence);
    }
    sequence = release_holds_on_removed_units(state, pending, context, registered);
  }
  return sequence;
}

Result<std::uint64_t> update_availability(BrokerState& state, PendingCommit& pending,
                                          const wire::AvailabilityUpdate& update,
                                          const RequestContext& context) {
  FacilityRecord* facility = state.index.facility(update.facility_id()->string_view());
  if (facility == nullptr) return unknown_facility(update.facility_id()->string_view());
  UnitRecord* unit = facility->unit(update.unit_id()->string_view());
  if (unit == nullptr) {
    return unknown_unit(update.facility_id()->string_view(), update.unit_id()->string_view());
  }
  // The facility's update applies to its own view (the unit without dispo's holds); the holds
  // are put back on top.
  const unsigned held = holds_on_unit(state.workflow, *facility, *unit);
  auto next = held == 0 ? merge_update(*facility, *unit, update) : [&] {
    UnitRecord facility_view = *unit;
    auto& view = facility_view.availability;
    const auto returned = static_cast<std::uint16_t>(std::min<unsigned>(held, view.reserved));
    view.reserved = static_cast<std::uint16_t>(view.reserved - returned);
    view.available = static_cast<std::uint16_t>(view.available + returned);
    return merge_update(*facility, facility_view, update);
  }();
  if (!next) return next.error();
  const auto moved = static_cast<std::uint16_t>(std::min<unsigned>(held, next->available));
  next->available = static_cast<std::uint16_t>(next->available - moved);
  next->reserved = static_cast<std::uint16_t>(next->reserved + moved);
  next->confirmed_at = context.now_ms;
  next->confirmed_by = actor(context);
  const wire::AvailabilityT before = std::exchange(unit->availability, std::move(*next));
  return stage_availability(state, pending, context, *facility, *unit, before);
}

Result<std::uint64_t> confirm_current(BrokerState& state, PendingCommit& pending,
                                      const wire::Confirmation& confirmation,
                                      const RequestContext& context) {
  const auto facility_id = confirmation.facility_id()->string_view();
  FacilityRecord* facility = state.index.facility(facility_id);
  if (facility == nullptr) return unknown_facility(facility_id);
  const bool one_unit = confirmation.unit_id() != nullptr && confirmation.unit_id()->size() > 0;
  if (one_unit && facility->unit(confirmation.unit_id()->string_view()) == nullptr) {
    return unknown_unit(facility_id, confirmation.unit_id()->string_view());
  }
  std::uint64_t sequence = state.sequence;
  for (auto& unit : facility->units) {
    if (one_unit && unit.unit.id != confirmation.unit_id()->string_view()) continue;
    const wire::AvailabilityT before = unit.availability;
    unit.availability.confirmed_at = context.now_ms;
    unit.availability.confirmed_by = actor(context);
    sequence = stage_availability(state, pending, context, *facility, unit, before);
  }
  return sequence;
}

}  // namespace dispo::broker
