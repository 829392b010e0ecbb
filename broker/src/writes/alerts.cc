#include "alerts.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "dispo/schemas/labels.h"

#include "changes.h"
#include "model/logger.h"
#include "matching/search.h"
#include "matching/suitability.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

// Owners already alerted for the change being handled: one alert per owner and cause.
using Owners = std::set<std::string, std::less<>>;

std::string places(std::int64_t count) {
  return std::to_string(count) + (count > 1 ? " places" : " place");
}

std::string facility_label(const FacilityRecord& facility) {
  return facility.facility.name.empty() ? facility.facility.id
                                        : facility.facility.name + " (" + facility.facility.id + ")";
}

std::string duration_words(std::int64_t ms) {
  const std::int64_t minutes = ms / 60000;
  if (minutes < 60) return std::to_string(minutes) + " min";
  return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
}

SearchContext search_context(const BrokerState& state, std::int64_t now_ms, const std::string& today) {
  SearchContext context;
  context.now_ms = now_ms;
  context.stale_after_ms = state.stale_after_ms;
  context.sequence = state.sequence;
  context.today = today.empty() ? local_date(now_ms) : today;
  return context;
}

bool fresh(const wire::AvailabilityT& availability, std::int64_t now_ms, std::int64_t stale_after_ms) {
  return !wire::is_stale(availability.confirmed_at, now_ms, stale_after_ms);  // validation.h
}

// Whether the change of `unit` from `before` makes `facility` (which passes the query's facility
// filters and is authorised) newly fit `query`.
bool newly_fits(const FacilityRecord& facility, const UnitRecord& unit, const wire::AvailabilityT& before,
                const wire::SearchQueryT& query, bool whole_group, const SearchContext& context) {
  if (!unit_may_match(unit, unit.availability, query, context)) return false;
  if (query.children.size() <= 1) {  // the facility fits exactly when one of its units does
    if (unit_may_match(unit, before, query, context)) return false;
    for (const UnitRecord& other : facility.units) {
      if (&other != &unit && unit_may_match(other, other.availability, query, context)) return false;
    }
    return true;
  }
  // A group: the unit must now take more children together than before, or have become fresh.
  const int capacity_now = group_capacity(unit.unit, unit.availability.available);
  const int capacity_before = group_capacity(unit.unit, before.available);
  if (capacity_now <= capacity_before && unit_may_match(unit, before, query, context)) return false;
  auto now = fit_facility(facility, query, context);
  if (!now || (whole_group && !now->whole_group)) return false;
  auto earlier = fit_facility(facility, query, context, {&unit, &before});
  return !earlier || (whole_group && !earlier->whole_group);
}

// The facility's name and 24/7 phone, on every alert about one of its places.
void name_facility(wire::AlertT& alert, const FacilityRecord& facility) {
  alert.facility_id = facility.facility.id;
  alert.facility_name = facility.facility.name;
  alert.phone = facility.facility.phone;
  alert.departement = facility.facility.departement;
}

// Why a place answers one owner: every saved search of its own and every request it opened or
// follows that the place newly fits, so that it hears of the place once, with all the reasons.
struct PlaceReasons {
  std::string subscription_id;     // the first subscription involved (a search, or following)
  std::string request_id;          // the first request involved
  std::vector<std::string> ids;    // S-… and R-…, in the order found
  std::vector<std::string> words;  // "recherche S-3", "demande R-17 (toute la fratrie ensemble)"

  void add(std::string_view subscription, const std::string& id, std::string what) {
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) return;
    if (subscription_id.empty()) subscription_id = std::string(subscription);
    ids.push_back(id);
    words.push_back(std::move(what));
  }
};
using PlaceOwners = std::map<std::string, PlaceReasons, std::less<>>;

void match_searches(const FacilityRecord& facility, const UnitRecord& unit, const wire::AvailabilityT& before,
                    const SearchContext& context, const UnitCandidates& candidates, PlaceOwners& owners) {
  for (const wire::SubscriptionT* subscription : candidates.searches) {
    if (!newly_fits(facility, unit, before, *subscription->query, false, context)) continue;
    owners[subscription->owner].add(subscription->id, subscription->id, "recherche " + subscription->id);
  }
}

void match_requests(const BrokerState& state, const FacilityRecord& facility, const UnitRecord& unit,
                    const wire::AvailabilityT& before, const SearchContext& context,
                    const UnitCandidates& candidates, PlaceOwners& owners) {
  for (const wire::PlacementRequestT* request : candidates.requests) {
    if (!is_pending(*request)) continue;
    // Its own hold ending in this very change gave the place back: its people hear of that
    // through request_changed, not as a new place.
    if (!request->hold_id.empty() && !state.workflow.holds.contains(request->hold_id)) continue;
    const bool whole_group = request->keep_together && request->criteria->children.size() > 1;
    if (!newly_fits(facility, unit, before, *request->criteria, whole_group, context)) continue;
    const std::string what = "demande " + request->id + (whole_group ? " (toute la fratrie ensemble)" : "");
    auto add = [&](const std::string& owner, std::string_view subscription) {
      PlaceReasons& reasons = owners[owner];
      if (reasons.request_id.empty()) reasons.request_id = request->id;
      reasons.add(subscription, request->id, what);
    };
    if (!request->created_by.empty()) add(request->created_by, {});
    for (const wire::SubscriptionT* subscription : state.alert_matcher.following(request->id)) {
      add(subscription->owner, subscription->id);
    }
  }
}

// One place_matches per owner, naming every reason.
void raise_place_matches(BrokerState& state, PendingCommit& pending, const FacilityRecord& facility,
                         const UnitRecord& unit, std::uint64_t sequence, std::int64_t now_ms,
                         const PlaceOwners& owners) {
  for (const auto& [owner, reasons] : owners) {
    wire::AlertT alert;
    alert.kind = wire::AlertKind::place_matches;
    alert.time = now_ms;
    alert.sequence = sequence;
    name_facility(alert, facility);
    alert.unit_id = unit.unit.id;
    alert.subscription_id = reasons.subscription_id;
    alert.request_id = reasons.request_id;
    alert.reasons = reasons.ids;
    std::string why;
    for (const auto& words : reasons.words) why += (why.empty() ? "" : " ; ") + words;
    alert.message = "place disponible : " + facility_label(facility) + ", unité " + unit.unit.id + ", " +
                    places(unit.availability.available) + " — pour : " + why;
    raise_alert(state, pending, owner, std::move(alert));
  }
}

void raise_capacity_low(BrokerState& state, PendingCommit& pending, std::string_view departement,
                        const TerritoryFree& before, const TerritoryFree& after, std::uint64_t sequence,
                        std::int64_t now_ms) {
  for (const wire::SubscriptionT* subscription : state.alert_matcher.territories(departement)) {
    const std::int64_t threshold = subscription->threshold;
    const std::int64_t was = before.of(*subscription);
    const std::int64_t is = after.of(*subscription);
    if (!(was >= threshold && is < threshold)) continue;
    wire::AlertT alert;
    alert.kind = wire::AlertKind::capacity_low;
    alert.time = now_ms;
    alert.sequence = sequence;
    alert.subscription_id = subscription->id;
    alert.departement = std::string(departement);
    const std::string kind = subscription->facility_kind
                                 ? std::string(" (") + wire::EnumNameFacilityKind(*subscription->facility_kind) + ")"
                                 : std::string();
    alert.message = "places libres dans le " + std::string(departement) + kind + " : " + std::to_string(is) +
                    ", sous le seuil de " + std::to_string(threshold);
    raise_alert(state, pending, subscription->owner, std::move(alert));
  }
}

// Keeps the territory's free places up to date and raises capacity_low on a downward crossing.
// `recounted`: the matcher was just rebuilt from the index, which already holds the change.
void count_free_places(BrokerState& state, PendingCommit& pending, const FacilityRecord& facility,
                       const UnitRecord& unit, const wire::AvailabilityT& before, std::uint64_t sequence,
                       std::int64_t now_ms, bool recounted) {
  AlertMatcher& matcher = state.alert_matcher;
  const std::int64_t reference = matcher.free_reference_ms();
  const std::int64_t delta = AlertMatcher::free_places(unit.availability, reference, state.stale_after_ms) -
                             AlertMatcher::free_places(before, reference, state.stale_after_ms);
  if (delta == 0) return;
  TerritoryFree& territory = matcher.free(facility.facility.departement);
  TerritoryFree previous = territory;
  const auto kind = static_cast<std::size_t>(facility.facility.kind);
  TerritoryFree& adjusted = recounted ? previous : territory;  // recounted: "before" is without the change
  const std::int64_t step = recounted ? -delta : delta;
  adjusted.total += step;
  if (kind < adjusted.by_kind.size()) adjusted.by_kind[kind] += step;
  if (delta < 0) {
    raise_capacity_low(state, pending, facility.facility.departement, previous, territory, sequence, now_ms);
  }
}

void alert_request_people(BrokerState& state, PendingCommit& pending, const wire::PlacementRequestT& request,
                          const wire::AlertT& alert) {
  Owners alerted;
  if (!request.created_by.empty()) {
    alerted.insert(request.created_by);
    raise_alert(state, pending, request.created_by, alert);
  }
  for (const wire::SubscriptionT* subscription : state.alert_matcher.following(request.id)) {
    if (!alerted.insert(subscription->owner).second) continue;
    wire::AlertT copy = alert;
    copy.subscription_id = subscription->id;
    raise_alert(state, pending, subscription->owner, std::move(copy));
  }
}

void raise_facility_stale(BrokerState& state, PendingCommit& pending, const FacilityRecord& facility,
                          std::int64_t confirmed_at, std::int64_t now_ms) {
  wire::AlertT alert;
  alert.kind = wire::AlertKind::facility_stale;
  alert.time = now_ms;
  alert.sequence = state.sequence;
  name_facility(alert, facility);
  alert.message = "données périmées : " + facility_label(facility) + " n'a pas confirmé ses places depuis " +
                  duration_words(now_ms - confirmed_at);
  Owners alerted;
  auto notify = [&](const wire::SubscriptionT* subscription) {
    if (!alerted.insert(subscription->owner).second) return;
    wire::AlertT copy = alert;
    copy.subscription_id = subscription->id;
    raise_alert(state, pending, subscription->owner, std::move(copy));
  };
  const std::string& departement = facility.facility.departement;
  for (std::string_view covered : {std::string_view(departement), std::string_view()}) {
    for (const wire::SubscriptionT* subscription : state.alert_matcher.searches(covered)) {
      // Only searches the facility could answer: its kind and distance, a unit for these children.
      if (!subscription->query || !facility_may_match(facility.facility, *subscription->query)) continue;
      const wire::SearchQueryT& query = *subscription->query;
      if (std::none_of(facility.units.begin(), facility.units.end(),
                       [&](const UnitRecord& unit) { return unit_admits_query(unit.unit, query); })) {
        continue;
      }
      notify(subscription);
    }
  }
  for (const wire::SubscriptionT* subscription : state.alert_matcher.territories(departement)) notify(subscription);
}

// facility_stale for the facilities with a unit whose freshness ended in (from, to].
void raise_stale(BrokerState& state, PendingCommit& pending, std::int64_t from, std::int64_t to) {
  for (const auto& [id, facility] : state.index.facilities()) {
    std::int64_t went_stale = 0;
    for (const auto& unit : facility.units) {
      const std::int64_t confirmed_at = unit.availability.confirmed_at;
      if (confirmed_at == 0) continue;
      const std::int64_t deadline = confirmed_at + state.stale_after_ms;
      if (deadline > from && deadline <= to) went_stale = std::max(went_stale, confirmed_at);
    }
    if (went_stale != 0) raise_facility_stale(state, pending, facility, went_stale, to);
  }
}

// request_waiting for the pending requests whose escalation threshold passed in (from, to].
void raise_waiting(BrokerState& state, PendingCommit& pending, std::int64_t from, std::int64_t to) {
  for (const auto& [id, request] : state.workflow.requests) {
    if (!is_pending(request) || request.waiting_since == 0) continue;
    const std::int64_t threshold =
        request.escalate_after_s != 0 ? std::int64_t{request.escalate_after_s} * 1000 : state.escalate_after_ms;
    // Counted from waiting_since; a request entered (or changed) already past it escalates at the
    // first tick after that, once: the deadline is never before that moment.
    const std::int64_t deadline =
        std::max(request.waiting_since + threshold, state.alert_matcher.escalation_floor(request));
    if (deadline <= from || deadline > to) continue;
    wire::AlertT alert;
    alert.kind = wire::AlertKind::request_waiting;
    alert.time = to;
    alert.sequence = state.sequence;
    alert.request_id = request.id;
    alert.departement = request.criteria ? request.criteria->departement : std::string();
    alert.message = "la demande " + request.id + " attend une place depuis " +
                    duration_words(to - request.waiting_since) + " : seuil d'escalade dépassé";
    alert_request_people(state, pending, request, alert);
  }
}

// capacity_low for thresholds crossed by units that went stale (free places recounted at `now_ms`).
void recount_capacity(BrokerState& state, PendingCommit& pending, std::int64_t now_ms, bool quietly) {
  auto previous = state.alert_matcher.recount_free(state, now_ms);
  if (quietly) return;
  for (const auto& [departement, before] : previous) {
    if (state.alert_matcher.territories(departement).empty()) continue;
    raise_capacity_low(state, pending, departement, before, state.alert_matcher.free(departement),
                       state.sequence, now_ms);
  }
}

}  // namespace

std::uint64_t raise_alert(BrokerState& state, PendingCommit& pending, std::string_view owner,
                          wire::AlertT alert) {
  auto [cursor, inserted] = state.workflow.alert_cursors.try_emplace(std::string(owner));
  alert.number = ++cursor->second.last;
  pending.batch.put_alert(owner, alert);
  pending.alerts.push_back({std::string(owner), alert_message(alert)});
  logger()->debug("alert owner={} number={} kind={} facility={} request={}", owner, alert.number,
                  wire::EnumNameAlertKind(alert.kind), alert.facility_id, alert.request_id);
  return alert.number;
}

std::string alert_message(const wire::AlertT& alert) {
  flatbuffers::FlatBufferBuilder builder(256);
  wire::finish(builder, wire::Alert::Pack(builder, &alert));
  return {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()};
}

void on_availability_changed(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                             const FacilityRecord& facility, const UnitRecord& unit,
                             const wire::AvailabilityT& before, std::uint64_t sequence) {
  const bool recounted = state.alert_matcher.ensure(state);
  count_free_places(state, pending, facility, unit, before, sequence, context.now_ms, recounted);
  // Only more places, or places becoming fresh, can make a facility newly match.
  const wire::AvailabilityT& after = unit.availability;
  const bool more = after.available > before.available;
  const bool freshened = fresh(after, context.now_ms, state.stale_after_ms) &&
                         !fresh(before, context.now_ms, state.stale_after_ms);
  if (!more && !freshened) return;
  const SearchContext search = search_context(state, context.now_ms, context.today);
  if (!is_authorised(facility.facility, search.today)) return;
  const auto unit_index = static_cast<std::size_t>(&unit - facility.units.data());
  const UnitCandidates& candidates = state.alert_matcher.candidates(facility, unit_index, state);
  PlaceOwners owners;
  match_searches(facility, unit, before, search, candidates, owners);
  match_requests(state, facility, unit, before, search, candidates, owners);
  raise_place_matches(state, pending, facility, unit, sequence, context.now_ms, owners);
}

namespace {

// Where a sibling group stands, for an alert about a request still waiting: "2 enfants admis,
// 1 avec une place réservée". Empty for one child, or once the request is closed.
std::string group_standing(const wire::PlacementRequestT& request) {
  if (request.placements.size() < 2) return {};
  if (request.state != wire::RequestState::open && request.state != wire::RequestState::proposed) return {};
  std::size_t admitted = 0, held = 0, waiting = 0;
  for (const auto& child : request.placements) {
    if (!child) continue;
    if (child->state == wire::ChildState::admitted) ++admitted;
    else if (child->state == wire::ChildState::held) ++held;
    else ++waiting;
  }
  std::vector<std::string> parts;
  if (admitted > 0) parts.push_back(std::to_string(admitted) + " admis");
  if (held > 0) parts.push_back(std::to_string(held) + " avec une place réservée");
  if (waiting > 0) parts.push_back(std::to_string(waiting) + " en attente d'une place");
  std::string words;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) words += i + 1 == parts.size() ? " et " : ", ";
    words += parts[i];
  }
  // "enfants" after the first count: "2 enfants admis", "1 enfant avec une place réservée".
  const std::size_t first = admitted > 0 ? admitted : held > 0 ? held : waiting;
  const std::size_t gap = words.find(' ');
  return words.substr(0, gap) + (first == 1 ? " enfant" : " enfants") + words.substr(gap);
}

}  // namespace

void on_request_changed(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                        const wire::PlacementRequestT& request, std::uint64_t sequence) {
  AlertMatcher& matcher = state.alert_matcher;
  auto known = matcher.request_states().find(request.id);
  const bool opened = known == matcher.request_states().end();
  const bool moved = opened || known->second != request.state;
  matcher.request_states()[request.id] = request.state;
  matcher.note_escalation_terms(request, context.now_ms);
  matcher.invalidate();  // pending requests by département
  matcher.ensure(state);
  wire::AlertT alert;
  alert.kind = wire::AlertKind::request_changed;
  alert.time = context.now_ms;
  alert.sequence = sequence;
  alert.request_id = request.id;
  alert.departement = request.criteria ? request.criteria->departement : std::string();
  const std::string standing = group_standing(request);
  alert.message = "demande " + request.id + " " +
                  (opened && request.state == wire::RequestState::open ? wire::request_state_explained(wire::RequestState::open)
                   : moved ? "désormais " + wire::request_state_explained(request.state) +
                                 (standing.empty() ? "" : " : " + standing)
                   : standing.empty() ? "modifiée (" + wire::request_state_label(request.state) + ")"
                                      : "modifiée : " + standing);
  alert_request_people(state, pending, request, alert);
}

namespace {

std::string ages_words(const wire::PlacementRequestT* request) {
  if (request == nullptr || !request->criteria || request->criteria->children.empty()) return {};
  const auto& children = request->criteria->children;
  std::string ages;
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i > 0) ages += i + 1 == children.size() ? " et " : ", ";
    ages += std::to_string(children[i]->age);
  }
  return std::string(children.size() > 1 ? " (enfants de " : " (enfant de ") + ages + " ans)";
}

std::string hold_message(const wire::HoldT& hold, const std::string& place, const std::string& children,
                         const std::string& by) {
  const std::string which = "réservation " + hold.id + " (" + place + ", demande " + hold.request_id + ")";
  switch (hold.state) {
    case wire::HoldState::active:
      return "place réservée : " + place + ", réservation " + hold.id + " pour la demande " + hold.request_id +
             children + ", pendant " + duration_words(hold.expires_at - hold.created_at) + ", par " + by;
    case wire::HoldState::admitted:
      return "admission enregistrée : " + which + ", par " + by + " ; la place est désormais occupée";
    case wire::HoldState::released:
      return which + " libérée par " + by + " : la place est de nouveau disponible";
    case wire::HoldState::expired:
      return which + " expirée sans admission : la place est de nouveau disponible";
    case wire::HoldState::declined:
      return which + " refusée par " + by + " : la place est de nouveau disponible";
    default:
      return which + " dans un état inconnu";
  }
}

}  // namespace

void on_hold_changed(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                     const wire::HoldT& hold, std::uint64_t sequence) {
  const std::string by = actor(context);
  std::vector<std::string> owners;
  for (const auto& [name, principal] : state.principals.all()) {
    if (principal.role != wire::Role::facility || principal.revoked || name == by) continue;
    const auto& facilities = principal.facilities;
    if (std::find(facilities.begin(), facilities.end(), hold.facility_id) != facilities.end()) owners.push_back(name);
  }
  if (owners.empty()) return;
  wire::AlertT alert;
  alert.kind = wire::AlertKind::hold_changed;
  alert.time = context.now_ms;
  alert.sequence = sequence;
  alert.request_id = hold.request_id;
  alert.unit_id = hold.unit_id;
  alert.hold_id = hold.id;
  alert.facility_id = hold.facility_id;
  std::string place = "unité " + hold.unit_id + " de " + hold.facility_id;
  if (const FacilityRecord* facility = state.index.facility(hold.facility_id)) {
    name_facility(alert, *facility);
    place = "unité " + hold.unit_id + " de " + facility_label(*facility);
  }
  alert.message = hold_message(hold, place, ages_words(state.workflow.request(hold.request_id)), by);
  for (const auto& owner : owners) raise_alert(state, pending, owner, alert);
}

void on_time(BrokerState& state, PendingCommit& pending, std::int64_t now_ms) {
  Workflow& workflow = state.workflow;
  state.alert_matcher.ensure(state);
  const std::int64_t from = workflow.checked_until_ms;
  if (from == 0 || now_ms <= from) {
    if (from == 0) {  // first tick of a new database: nothing to catch up on
      recount_capacity(state, pending, now_ms, true);
      workflow.checked_until_ms = now_ms;
      pending.batch.set_checked_until(now_ms);
      state.alert_matcher.checked_until_persisted = now_ms;
    }
    return;
  }
  const std::size_t raised = pending.alerts.size();
  raise_stale(state, pending, from, now_ms);
  raise_waiting(state, pending, from, now_ms);
  recount_capacity(state, pending, now_ms, false);
  workflow.checked_until_ms = now_ms;
  // Persisted with the alerts it raised; otherwise at most every 10 s (a window replayed after
  // a crash raises nothing that was not raised before: its alerts were committed with it).
  if (pending.alerts.size() != raised || now_ms - state.alert_matcher.checked_until_persisted >= 10'000) {
    pending.batch.set_checked_until(now_ms);
    state.alert_matcher.checked_until_persisted = now_ms;
  }
}

}  // namespace dispo::broker
