#include "history.h"

#include <string>

namespace dispo::broker {

void HistoryReplay::apply(const wire::FeedEvent& event) {
  picture_.sequence = event.sequence();
  picture_.time = event.time();
  switch (event.change_type()) {
    case wire::Change::FacilityRegistered: {
      const wire::FacilityState* state = event.change_as_FacilityRegistered()->state();
      if (state == nullptr || state->facility() == nullptr) return;
      FacilityRecord record;
      state->facility()->UnPackTo(&record.facility);
      record.facility.units.clear();
      if (state->units() != nullptr) {
        for (const wire::UnitState* unit : *state->units()) {
          UnitRecord next;
          if (unit->unit()) unit->unit()->UnPackTo(&next.unit);
          if (unit->availability()) unit->availability()->UnPackTo(&next.availability);
          record.units.push_back(std::move(next));
        }
      }
      picture_.index.put(std::move(record));
      return;
    }
    case wire::Change::AvailabilityChanged: {
      const auto* changed = event.change_as_AvailabilityChanged();
      if (changed->facility_id() == nullptr || changed->unit_id() == nullptr || !changed->availability()) return;
      FacilityRecord* facility = picture_.index.facility(changed->facility_id()->string_view());
      UnitRecord* unit = facility ? facility->unit(changed->unit_id()->string_view()) : nullptr;
      if (unit != nullptr) {
        unit->availability = wire::AvailabilityT();
        changed->availability()->UnPackTo(&unit->availability);
      }
      return;
    }
    case wire::Change::PlacementRequestChanged: {
      const wire::PlacementRequest* request = event.change_as_PlacementRequestChanged()->request();
      if (request == nullptr || request->id() == nullptr) return;
      // The key first: PlacementRequestT's assignment takes its argument by value, and C++17
      // sequences the right operand (that move) before the left one (the key).
      wire::PlacementRequestT& stored = picture_.requests[request->id()->str()];
      stored = wire::PlacementRequestT();
      request->UnPackTo(&stored);
      return;
    }
    default:
      return;
  }
}

Result<void> for_each_feed_event(const Store& store, std::uint64_t from,
                                 const std::function<bool(const wire::FeedEvent&)>& visit) {
  std::optional<Error> bad;
  auto read = store.for_each_event(from, [&](std::uint64_t sequence, std::string_view bytes) {
    auto message = wire::decode(bytes.data(), bytes.size());
    const wire::FeedEvent* event = message ? (*message)->body_as_FeedEvent() : nullptr;
    if (event == nullptr) {
      bad = make_error(wire::Status::malformed,
                       "journal des événements : l'événement " + std::to_string(sequence) + " est illisible");
      return false;
    }
    return visit(*event);
  });
  if (!read) return read.error();
  if (bad) return *bad;
  return {};
}

Result<Picture> replay(const Store& store, const ReplayLimit& limit) {
  HistoryReplay history;
  auto read = for_each_feed_event(store, 1, [&](const wire::FeedEvent& event) {
    if (limit.sequence && event.sequence() > *limit.sequence) return false;
    if (limit.time && event.time() > *limit.time) return false;
    history.apply(event);
    return true;
  });
  if (!read) return read.error();
  return history.take();
}

}  // namespace dispo::broker
