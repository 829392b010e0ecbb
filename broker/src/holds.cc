#include "holds.h"

#include <algorithm>
#include <limits>

#include "dispo/schemas/labels.h"

#include "logger.h"
#include "placement_requests.h"
#include "validation.h"

namespace dispo::broker {
namespace {

Error conflict(const std::string& message) { return make_error(wire::Status::conflict, message); }

std::uint64_t stage_hold(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                         const wire::HoldT& hold, std::string_view departement) {
  pending.batch.put_hold(hold);
  flatbuffers::FlatBufferBuilder builder(256);
  auto change = wire::CreateHoldChanged(builder, wire::Hold::Pack(builder, &hold));
  return stage_event(state, pending, context, requests_territory(departement), builder, change);
}

// Moves the unit's counts for a hold that starts or ends, keeping them consistent even when the
// facility published other counts meanwhile (reserved never below 0, the total never above installed).
void move_place(wire::AvailabilityT& a, wire::HoldState outcome) {
  if (outcome == wire::HoldState::active) {
    --a.available;
    ++a.reserved;
    return;
  }
  if (a.reserved > 0) --a.reserved;
  const unsigned total = unsigned{a.available} + a.occupied + a.reserved + a.closed;
  if (total >= a.installed) return;
  if (outcome == wire::HoldState::admitted) {
    ++a.occupied;
  } else {
    ++a.available;
  }
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
  if (!request->hold_id.empty()) {
    const auto active = state.workflow.holds.find(request->hold_id);
    const std::string where = active == state.workflow.holds.end()
                                  ? std::string()
                                  : " sur " + active->second.facility_id + "/" + active->second.unit_id;
    return conflict("la demande " + request->id + " a déjà la réservation " + request->hold_id + where +
                    " : libérez-la (dispo release " + request->hold_id + ") avant d'en prendre une autre");
  }
  if (!is_authorised(facility->facility, context.today)) {
    return make_error(wire::Status::unauthorised_place, "l'établissement " + facility->facility.id +
                                                            " n'est pas autorisé aujourd'hui : pas de réservation");
  }
  if (unit->availability.available == 0) {
    return conflict("plus aucune place disponible dans l'unité " + unit->unit.id + " de " + facility->facility.id +
                    " (réservées : " + std::to_string(unit->availability.reserved) +
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

  const wire::AvailabilityT before = unit->availability;
  move_place(unit->availability, wire::HoldState::active);
  stage_hold(state, pending, context, hold, facility->facility.departement);
  stage_availability(state, pending, context, *facility, *unit, before);
  request->state = wire::RequestState::proposed;
  request->hold_id = hold.id;
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
    move_place(unit->availability, outcome);
    sequence = stage_availability(state, pending, context, *facility, *unit, before);
  }
  return sequence;
}

Result<Applied> end_hold(BrokerState& state, PendingCommit& pending, const wire::HoldEnd& end,
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
    const bool known = hold_id.starts_with("H-");
    return make_error(known ? wire::Status::conflict : wire::Status::unknown_request,
                      known ? "la réservation " + hold_id + " n'est pas (ou plus) active : expirée, libérée ou admise"
                            : "réservation " + hold_id + " inconnue");
  }
  if (context.principal->role == wire::Role::facility && outcome == wire::HoldState::released) {
    return make_error(wire::Status::forbidden,
                      "un établissement ne libère pas une réservation : il l'admet, ou la refuse avec un motif");
  }
  const wire::HoldT hold = active->second;
  wire::PlacementRequestT* request = state.workflow.request(hold.request_id);
  give_back(state, pending, context, hold_id, outcome);
  std::uint64_t sequence = state.sequence;
  if (request != nullptr) {
    request->hold_id.clear();
    request->changed_at = context.now_ms;
    request->changed_by = actor(context);
    if (outcome == wire::HoldState::admitted) {
      request->state = wire::RequestState::admitted;
      request->admitted_at = hold.facility_id + "/" + hold.unit_id;
      state.workflow.open_by_child.erase(request->child_ref);
    } else {
      request->state = wire::RequestState::open;
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
    }
    sequence = stage_request(state, pending, context, *request);
  }
  wire::HoldT ended = hold;
  ended.state = outcome;
  ended.ended_at = context.now_ms;
  ended.ended_by = actor(context);
  return hold_reply(state, sequence, std::move(ended));
}

namespace {

// Ends `hold_id` as `outcome` (expired, released) and, if it was its request's hold, makes the
// request open again. Returns the last sequence staged.
std::uint64_t end_and_reopen(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                             const std::string& hold_id, wire::HoldState outcome) {
  const std::string request_id = state.workflow.holds[hold_id].request_id;
  std::uint64_t sequence = give_back(state, pending, context, hold_id, outcome);
  if (wire::PlacementRequestT* request = state.workflow.request(request_id); request && request->hold_id == hold_id) {
    request->hold_id.clear();
    request->state = wire::RequestState::open;
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

std::int64_t next_expiry(const BrokerState& state) {
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const auto& [id, hold] : state.workflow.holds) next = std::min(next, hold.expires_at);
  return next;
}

std::vector<const wire::HoldT*> holds_on(const BrokerState& state, std::string_view facility_id) {
  std::vector<const wire::HoldT*> holds;
  for (const auto& [id, hold] : state.workflow.holds) {
    if (hold.facility_id == facility_id) holds.push_back(&hold);
  }
  return holds;
}

}  // namespace dispo::broker
