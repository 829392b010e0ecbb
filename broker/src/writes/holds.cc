#include "holds.h"

#include <algorithm>
#include <limits>

#include "dispo/schemas/labels.h"
#include "dispo/schemas/printable.h"

#include "alerts.h"
#include "model/logger.h"
#include "placement_requests.h"
#include "model/sibling_group.h"
#include "matching/suitability.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

constexpr std::size_t kMaxSplitReason = 500;

Error conflict(const std::string& message) { return make_error(wire::Status::conflict, message); }

std::uint64_t stage_hold(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                         const wire::HoldT& hold, std::string_view departement) {
  pending.batch.put_hold(hold);
  flatbuffers::FlatBufferBuilder builder(256);
  auto change = wire::CreateHoldChanged(builder, wire::Hold::Pack(builder, &hold));
  const std::uint64_t sequence = stage_event(state, pending, context, requests_territory(departement), builder, change);
  on_hold_changed(state, pending, context, hold, sequence);
  return sequence;
}

// Moves the unit's counts for a hold of `places` places that starts or ends, keeping them
// consistent even when the facility published other counts meanwhile (reserved never below 0,
// the total never above installed).
void move_places(wire::AvailabilityT& a, wire::HoldState outcome, std::uint16_t places) {
  if (outcome == wire::HoldState::active) {
    a.available = static_cast<std::uint16_t>(a.available - places);
    a.reserved = static_cast<std::uint16_t>(a.reserved + places);
    return;
  }
  a.reserved = static_cast<std::uint16_t>(a.reserved - std::min(a.reserved, places));
  for (std::uint16_t i = 0; i < places; ++i) {
    const unsigned total = unsigned{a.available} + a.occupied + a.reserved + a.closed;
    if (total >= a.installed) return;
    if (outcome == wire::HoldState::admitted) {
      ++a.occupied;
    } else {
      ++a.available;
    }
  }
}

std::string age_words(int age) { return std::to_string(age) + (age > 1 ? " ans" : " an"); }

// The unit's admission rules, child by child (age, sex, the child's own needs) and for the
// group it would hold there (max_siblings). Nothing is changed.
Result<void> check_unit_takes(const UnitRecord& unit, std::string_view facility_id, const wire::PlacementRequestT& request,
                              const std::vector<std::uint8_t>& children) {
  const std::string where = "l'unité " + unit.unit.id + " de " + std::string(facility_id);
  for (std::uint8_t position : children) {
    const wire::ChildT& child = *request.criteria->children[position];
    const std::string who = "l'enfant " + std::to_string(position + 1) + " (" + age_words(child.age) + ")";
    if (child.age < unit.unit.age_min || child.age > unit.unit.age_max) {
      return make_error(wire::Status::invalid, where + " accueille de " + std::to_string(unit.unit.age_min) + " à " +
                                                   age_words(unit.unit.age_max) + " : pas " + who +
                                                   " ; rien n'a été réservé");
    }
    if (!sex_admitted(unit.unit.sex, child.sex)) {
      return make_error(wire::Status::invalid, where + " n'accueille que des " +
                                                   (unit.unit.sex == wire::UnitSex::filles ? "filles" : "garçons") +
                                                   " : pas " + who + " ; rien n'a été réservé");
    }
    if (!needs_offered(unit.unit, child)) {
      return make_error(wire::Status::invalid, where + " n'offre pas tout ce dont " + who +
                                                   " a besoin ; rien n'a été réservé");
    }
  }
  const int together = children_in_unit(request, facility_id, unit.unit.id) + static_cast<int>(children.size());
  const int largest = siblings_together(unit.unit);
  if (children.size() > 1 || together > 1) {
    if (together > largest) {
      return make_error(wire::Status::invalid, where + " accueille au plus " + std::to_string(largest) +
                                                   " enfant(s) d'une même fratrie (ici " + std::to_string(together) +
                                                   ") ; rien n'a été réservé");
    }
  }
  return {};
}

// The children a HoldPlace asks for: its list (each known and waiting without a hold), or
// every child not yet covered. Nothing is changed.
Result<std::vector<std::uint8_t>> children_asked(const wire::HoldPlace& place, const wire::PlacementRequestT& request) {
  const std::size_t count = request.placements.size();
  if (place.children() == nullptr || place.children()->size() == 0) {
    auto uncovered = uncovered_children(request);
    if (uncovered.empty()) {
      return conflict("chaque enfant de la demande " + request.id +
                      " a déjà une réservation ou une admission : rien à réserver");
    }
    return uncovered;
  }
  std::vector<std::uint8_t> children;
  for (std::uint8_t position : *place.children()) {
    if (position >= count) {
      return make_error(wire::Status::invalid, "enfant " + std::to_string(position + 1) + " : la demande " + request.id +
                                                   " décrit " + std::to_string(count) + " enfant(s)");
    }
    if (std::find(children.begin(), children.end(), position) != children.end()) {
      return make_error(wire::Status::invalid, "l'enfant " + std::to_string(position + 1) + " est nommé deux fois");
    }
    const wire::ChildPlacementT& placement = *request.placements[position];
    if (placement.state == wire::ChildState::held) {
      return conflict("l'enfant " + std::to_string(position + 1) + " de la demande " + request.id +
                      " a déjà la réservation " + placement.hold_id + " (" + placement.facility_id + "/" +
                      placement.unit_id + ") : rien n'a été réservé");
    }
    if (placement.state == wire::ChildState::admitted) {
      return conflict("l'enfant " + std::to_string(position + 1) + " de la demande " + request.id + " est déjà admis (" +
                      placement.facility_id + "/" + placement.unit_id + ") : rien n'a été réservé");
    }
    children.push_back(position);
  }
  std::sort(children.begin(), children.end());
  return children;
}

Applied hold_reply(const BrokerState& state, std::uint64_t sequence, wire::HoldT hold) {
  const BrokerState* at = &state;
  auto ended = std::make_shared<wire::HoldT>(std::move(hold));
  return Applied{sequence, [at, ended](flatbuffers::FlatBufferBuilder& builder) {
                   flatbuffers::Offset<wire::Availability> availability;
                   if (const FacilityRecord* facility = at->index.facility(ended->facility_id)) {
                     if (const UnitRecord* unit = facility->unit(ended->unit_id)) {
                       availability = wire::CreateAvailability(builder, &unit->availability);
                     }
                   }
                   flatbuffers::Offset<wire::PlacementRequest> request;
                   if (const auto* found = at->workflow.request(ended->request_id)) {
                     request = wire::PlacementRequest::Pack(builder, found);
                   }
                   return std::pair{wire::ReplyBody::HoldResult,
                                    wire::CreateHoldResult(builder, wire::Hold::Pack(builder, ended.get()),
                                                           availability, request)
                                        .Union()};
                 }};
}

}  // namespace

Result<Applied> place_hold(BrokerState& state, PendingCommit& pending, const wire::HoldPlace& place,
                           const RequestContext& context) {
  const auto facility_id = place.facility_id()->string_view();
  const auto unit_id = place.unit_id()->string_view();
  FacilityRecord* facility = state.index.facility(facility_id);
  if (facility == nullptr) {
    return make_error(wire::Status::unknown_facility, "établissement " + std::string(facility_id) + " inconnu");
  }
  UnitRecord* unit = facility->unit(unit_id);
  if (unit == nullptr) {
    return make_error(wire::Status::unknown_unit, "unité " + std::string(unit_id) + " inconnue dans l'établissement " +
                                                      std::string(facility_id));
  }
  wire::PlacementRequestT* request = state.workflow.request(place.request_id()->string_view());
  if (request == nullptr) {
    return make_error(wire::Status::unknown_request,
                      "demande de placement " + place.request_id()->str() + " inconnue");
  }
  const std::uint32_t seconds = place.duration_s() == 0 ? kDefaultHoldSeconds : place.duration_s();
  if (seconds > kMaxHoldSeconds) {
    return make_error(wire::Status::invalid, "une réservation dure au plus 72 h (demandé : " +
                                                 std::to_string(seconds / 3600) + " h)");
  }
  if (!is_pending(*request)) {
    return conflict("la demande " + request->id + " est " + wire::request_state_label(request->state) + " : rien à réserver");
  }
  const std::string split_reason = place.split_reason() ? place.split_reason()->str() : std::string();
  if (split_reason.size() > kMaxSplitReason) {
    return make_error(wire::Status::invalid, "motif de séparation trop long (" + std::to_string(kMaxSplitReason) +
                                                 " caractères au plus)");
  }
  ensure_placements(*request, state.workflow.holds);
  auto children = children_asked(place, *request);
  if (!children) return children.error();
  if (!is_authorised(facility->facility, context.today)) {
    return make_error(wire::Status::unauthorised_place, "l'établissement " + facility->facility.id +
                                                            " n'est pas autorisé aujourd'hui : pas de réservation");
  }
  if (auto takes = check_unit_takes(*unit, facility->facility.id, *request, *children); !takes) return takes.error();
  const std::vector<std::string> elsewhere = other_units(*request, facility->facility.id, unit->unit.id);
  const bool splits = !elsewhere.empty();
  if (splits && split_reason.find_first_not_of(" \t\n") == std::string::npos) {
    std::string places;
    for (const auto& other : elsewhere) places += (places.empty() ? "" : ", ") + other;
    return make_error(wire::Status::invalid,
                      "cette réservation séparerait la fratrie de la demande " + request->id + " (déjà : " + places +
                          ") : le Code civil (art. 371-5) ne sépare des frères et sœurs que si vivre ensemble est "
                          "impossible ou contraire à leur intérêt ; dites pourquoi dans le motif de séparation — rien n'a été réservé");
  }
  const auto places = static_cast<std::uint16_t>(children->size());
  if (unit->availability.available < places) {
    return conflict(std::string(unit->availability.available == 0 ? "plus aucune place disponible"
                                                                   : "seulement " + std::to_string(unit->availability.available) +
                                                                         " place(s) disponible(s) pour " +
                                                                         std::to_string(places) + " enfant(s)") +
                    " dans l'unité " + unit->unit.id + " de " + facility->facility.id + " (réservées : " +
                    std::to_string(unit->availability.reserved) +
                    ") : la dernière vient peut-être d'être prise ; rien n'a été réservé");
  }

  wire::HoldT hold;
  hold.id = "H-" + std::to_string(state.sequence + 1);
  hold.facility_id = facility->facility.id;
  hold.unit_id = unit->unit.id;
  hold.request_id = request->id;
  hold.state = wire::HoldState::active;
  hold.created_at = context.now_ms;
  hold.created_by = actor(context);
  hold.expires_at = context.now_ms + std::int64_t{seconds} * 1000;
  hold.children = *children;
  if (splits) hold.split_reason = split_reason;

  const wire::AvailabilityT before = unit->availability;
  move_places(unit->availability, wire::HoldState::active, places);
  stage_hold(state, pending, context, hold, facility->facility.departement);
  stage_availability(state, pending, context, *facility, *unit, before);
  mark_children(*request, *children, hold, wire::ChildState::held, context.now_ms);
  if (splits) {
    auto split = std::make_unique<wire::SiblingSplitT>();
    split->hold_id = hold.id;
    split->facility_id = hold.facility_id;
    split->unit_id = hold.unit_id;
    split->children = *children;
    split->reason = split_reason;
    split->by = actor(context);
    split->at = context.now_ms;
    request->splits.push_back(std::move(split));
  }
  settle_request(*request);
  request->changed_at = context.now_ms;
  request->changed_by = actor(context);
  const std::uint64_t sequence = stage_request(state, pending, context, *request);
  const std::string hold_id = hold.id;
  auto& stored = state.workflow.holds[hold_id] = std::move(hold);
  return hold_reply(state, sequence, stored);
}

std::uint64_t give_back(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                        const std::string& hold_id, wire::HoldState outcome) {
  auto found = state.workflow.holds.find(hold_id);
  wire::HoldT hold = std::move(found->second);
  state.workflow.holds.erase(found);
  hold.state = outcome;
  hold.ended_at = context.now_ms;
  hold.ended_by = actor(context);
  std::uint64_t sequence = state.sequence;
  FacilityRecord* facility = state.index.facility(hold.facility_id);
  UnitRecord* unit = facility ? facility->unit(hold.unit_id) : nullptr;
  const std::string departement = facility ? facility->facility.departement : std::string();
  sequence = stage_hold(state, pending, context, hold, departement);
  if (unit != nullptr) {  // the unit may have been removed by a new registration meanwhile
    const wire::AvailabilityT before = unit->availability;
    move_places(unit->availability, outcome, places_of(hold));
    sequence = stage_availability(state, pending, context, *facility, *unit, before);
  }
  return sequence;
}

Result<Applied> end_hold(BrokerState& state, PendingCommit& pending, const Store& store, const wire::HoldEnd& end,
                         const RequestContext& context) {
  const std::string hold_id = end.hold_id()->str();
  const auto outcome = end.outcome();
  if (outcome != wire::HoldState::admitted && outcome != wire::HoldState::released &&
      outcome != wire::HoldState::declined) {
    return make_error(wire::Status::invalid, "une réservation se termine par une admission, une libération ou un refus");
  }
  if (outcome == wire::HoldState::declined && wire::EnumNameRefusalReason(end.reason())[0] == '\0') {
    return make_error(wire::Status::invalid, "motif de refus inconnu");
  }
  if (end.note() && end.note()->size() > 200) {
    return make_error(wire::Status::invalid, "note trop longue (200 caractères au plus)");
  }
  auto active = state.workflow.holds.find(hold_id);
  if (active == state.workflow.holds.end()) {
    // Ended holds are read from the store. One ended earlier in the batch being committed is not
    // there yet: it is then said to be unknown (a race of milliseconds between two people).
    auto ended = store.hold(hold_id);
    if (!ended) return ended.error();
    if (!*ended) {
      return make_error(wire::Status::unknown_request,
                        "réservation " + wire::quoted(hold_id) + " inconnue : aucune réservation n'a ce numéro");
    }
    return conflict("la réservation " + hold_id + " est déjà terminée (" + wire::hold_state_label((*ended)->state) +
                    ") : rien n'a changé");
  }
  if (context.principal->role == wire::Role::facility && outcome == wire::HoldState::released) {
    return make_error(wire::Status::forbidden,
                      "un établissement ne libère pas une réservation : il l'admet, ou la refuse avec un motif");
  }
  const wire::HoldT hold = active->second;
  wire::PlacementRequestT* request = state.workflow.request(hold.request_id);
  std::vector<std::uint8_t> children;
  if (request != nullptr) {
    ensure_placements(*request, state.workflow.holds);
    children = children_of_hold(*request, hold);
  }
  give_back(state, pending, context, hold_id, outcome);
  std::uint64_t sequence = state.sequence;
  if (request != nullptr) {
    request->changed_at = context.now_ms;
    request->changed_by = actor(context);
    const bool admitted = outcome == wire::HoldState::admitted;
    mark_children(*request, children, hold, admitted ? wire::ChildState::admitted : wire::ChildState::waiting,
                  context.now_ms);
    if (outcome == wire::HoldState::declined) {
      auto refusal = std::make_unique<wire::RefusalT>();
      refusal->facility_id = hold.facility_id;
      refusal->unit_id = hold.unit_id;
      refusal->reason = end.reason();
      refusal->note = end.note() ? end.note()->str() : "";
      refusal->at = context.now_ms;
      refusal->by = actor(context);
      request->refusals.push_back(std::move(refusal));
    }
    if (is_pending(*request) && settle_request(*request)) state.workflow.open_by_child.erase(request->child_ref);
    sequence = stage_request(state, pending, context, *request);
  }
  wire::HoldT ended = hold;
  ended.state = outcome;
  ended.ended_at = context.now_ms;
  ended.ended_by = actor(context);
  return hold_reply(state, sequence, std::move(ended));
}

namespace {

// Ends `hold_id` as `outcome` (expired, released): its places come back and its children wait
// again (the request's other holds and admissions stay). Returns the last sequence staged.
std::uint64_t end_and_reopen(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                             const std::string& hold_id, wire::HoldState outcome) {
  const wire::HoldT hold = state.workflow.holds[hold_id];
  wire::PlacementRequestT* request = state.workflow.request(hold.request_id);
  std::vector<std::uint8_t> children;
  if (request != nullptr) {
    ensure_placements(*request, state.workflow.holds);
    children = children_of_hold(*request, hold);
  }
  std::uint64_t sequence = give_back(state, pending, context, hold_id, outcome);
  if (request != nullptr && is_pending(*request)) {
    mark_children(*request, children, hold, wire::ChildState::waiting, context.now_ms);
    settle_request(*request);
    request->changed_at = context.now_ms;
    request->changed_by = actor(context);
    sequence = stage_request(state, pending, context, *request);
  }
  return sequence;
}

}  // namespace

std::size_t expire_holds(BrokerState& state, PendingCommit& pending, const RequestContext& context) {
  std::vector<std::string> due;
  for (const auto& [id, hold] : state.workflow.holds) {
    if (hold.expires_at <= context.now_ms) due.push_back(id);
  }
  for (const auto& id : due) end_and_reopen(state, pending, context, id, wire::HoldState::expired);
  return due.size();
}

std::uint64_t release_holds_on_removed_units(BrokerState& state, PendingCommit& pending,
                                             const RequestContext& context, const FacilityRecord& facility) {
  std::vector<std::string> orphaned;
  for (const auto& [id, hold] : state.workflow.holds) {
    if (hold.facility_id == facility.facility.id && facility.unit(hold.unit_id) == nullptr) orphaned.push_back(id);
  }
  std::uint64_t sequence = state.sequence;
  for (const auto& id : orphaned) {
    logger()->info("hold {} released: unit removed by a new registration of {}", id, facility.facility.id);
    sequence = end_and_reopen(state, pending, context, id, wire::HoldState::released);
  }
  return sequence;
}

std::vector<const wire::HoldT*> holds_on(const BrokerState& state, std::string_view facility_id) {
  std::vector<const wire::HoldT*> holds;
  for (const auto& [id, hold] : state.workflow.holds) {
    if (hold.facility_id == facility_id) holds.push_back(&hold);
  }
  return holds;
}

}  // namespace dispo::broker
