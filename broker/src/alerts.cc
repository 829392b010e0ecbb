#include "alerts.h"

#include <algorithm>
#include <set>

#include "changes.h"
#include "logger.h"
#include "search.h"
#include "validation.h"

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

std::string state_words(wire::RequestState state) {
  switch (state) {
    case wire::RequestState::open:
      return "ouverte, en attente d'une place";
    case wire::RequestState::proposed:
      return "proposée (une place est réservée)";
    case wire::RequestState::admitted:
      return "admise (l'enfant est accueilli)";
    case wire::RequestState::cancelled:
      return "annulée";
    default:
      return "dans un état inconnu";
  }
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
  return availability.confirmed_at != 0 && now_ms - availability.confirmed_at <= stale_after_ms;
}

void alert_request_people(BrokerState& state, PendingCommit& pending, const wire::PlacementRequestT& request,
                          const wire::AlertT& alert);

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
  const int capacity_now = std::min<int>(unit.availability.available, std::max<int>(1, unit.unit.max_siblings));
  const int capacity_before = std::min<int>(before.available, std::max<int>(1, unit.unit.max_siblings));
  if (capacity_now <= capacity_before && unit_may_match(unit, before, query, context)) return false;
  auto now = fit_facility(facility, query, context);
  if (!now || (whole_group && !now->whole_group)) return false;
  auto earlier = fit_facility(facility, query, context, {&unit, &before});
  return !earlier || (whole_group && !earlier->whole_group);
}

wire::AlertT place_alert(const FacilityRecord& facility, const UnitRecord& unit, std::uint64_t sequence,
                         std::int64_t now_ms) {
  wire::AlertT alert;
  alert.kind = wire::AlertKind::place_matches;
  alert.time = now_ms;
  alert.sequence = sequence;
  alert.facility_id = facility.facility.id;
  alert.unit_id = unit.unit.id;
  alert.departement = facility.facility.departement;
  return alert;
}

void match_searches(BrokerState& state, PendingCommit& pending, const FacilityRecord& facility,
                    const UnitRecord& unit, const wire::AvailabilityT& before, std::uint64_t sequence,
                    const SearchContext& context, const UnitCandidates& candidates) {
  Owners alerted;
  for (const wire::SubscriptionT* subscription : candidates.searches) {
    if (!newly_fits(facility, unit, before, *subscription->query, false, context)) continue;
    if (!alerted.insert(subscription->owner).second) continue;  // one alert per owner and change
    wire::AlertT alert = place_alert(facility, unit, sequence, context.now_ms);
    alert.subscription_id = subscription->id;
    alert.message = "place disponible : " + facility_label(facility) + ", unité " + unit.unit.id + ", " +
                    places(unit.availability.available) + " (recherche " + subscription->id + ")";
    raise_alert(state, pending, subscription->owner, std::move(alert));
  }
}

void match_requests(BrokerState& state, PendingCommit& pending, const FacilityRecord& facility,
                    const UnitRecord& unit, const wire::AvailabilityT& before, std::uint64_t sequence,
                    const SearchContext& context, const UnitCandidates& candidates) {
  for (const wire::PlacementRequestT* request : candidates.requests) {
    if (!is_pending(*request)) continue;
    const bool whole_group = request->keep_together && request->criteria->children.size() > 1;
    if (!newly_fits(facility, unit, before, *request->criteria, whole_group, context)) continue;
    wire::AlertT alert = place_alert(facility, unit, sequence, context.now_ms);
    alert.request_id = request->id;
    alert.message = "place disponible pour la demande " + request->id + " : " + facility_label(facility) +
                    ", unité " + unit.unit.id + ", " + places(unit.availability.available) +
                    (whole_group ? " (toute la fratrie ensemble)" : "");
    alert_request_people(state, pending, *request, alert);
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
  alert.facility_id = facility.facility.id;
  alert.departement = facility.facility.departement;
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
    const std::int64_t deadline = request.waiting_since + threshold;
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
  flatbuffers::FlatBufferBuilder builder(256);
  wire::finish(builder, wire::Alert::Pack(builder, &alert));
  pending.alerts.push_back({std::string(owner), std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                                                            builder.GetSize())});
  logger()->debug("alert owner={} number={} kind={} facility={} request={}", owner, alert.number,
                  wire::EnumNameAlertKind(alert.kind), alert.facility_id, alert.request_id);
  return alert.number;
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
  match_searches(state, pending, facility, unit, before, sequence, search, candidates);
  match_requests(state, pending, facility, unit, before, sequence, search, candidates);
}

void on_request_changed(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                        const wire::PlacementRequestT& request, std::uint64_t sequence) {
  AlertMatcher& matcher = state.alert_matcher;
  auto known = matcher.request_states().find(request.id);
  const bool opened = known == matcher.request_states().end();
  const bool moved = opened || known->second != request.state;
  matcher.request_states()[request.id] = request.state;
  matcher.invalidate();  // pending requests by département
  matcher.ensure(state);
  wire::AlertT alert;
  alert.kind = wire::AlertKind::request_changed;
  alert.time = context.now_ms;
  alert.sequence = sequence;
  alert.request_id = request.id;
  alert.departement = request.criteria ? request.criteria->departement : std::string();
  alert.message = "demande " + request.id + " " +
                  (opened && request.state == wire::RequestState::open ? std::string("ouverte, en attente d'une place")
                   : moved ? "désormais " + state_words(request.state)
                           : "modifiée (toujours " + state_words(request.state) + ")");
  alert_request_people(state, pending, request, alert);
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
