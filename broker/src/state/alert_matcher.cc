#include "alert_matcher.h"

#include <algorithm>
#include <charconv>

#include "broker_state.h"
#include "matching/search.h"

namespace dispo::broker {
namespace {

template <typename T>
const T& find_or_empty(const AlertMatcher::ByKey<T>& map, std::string_view key) {
  static const T empty{};
  auto found = map.find(key);
  return found == map.end() ? empty : found->second;
}

}  // namespace

std::int64_t TerritoryFree::of(const wire::SubscriptionT& territory) const {
  if (!territory.facility_kind) return total;
  const auto kind = static_cast<std::size_t>(*territory.facility_kind);
  return kind < by_kind.size() ? by_kind[kind] : 0;
}

bool AlertMatcher::ensure(const BrokerState& state) {
  if (built_) return false;
  searches_.clear();
  territories_.clear();
  following_.clear();
  pending_.clear();
  candidates_.clear();
  for (const auto& [id, subscription] : state.workflow.subscriptions) {
    last_subscription_number = std::max(last_subscription_number, subscription_number(id));
    switch (subscription.kind) {
      case wire::SubscriptionKind::search:
        searches_[subscription.query ? subscription.query->departement : std::string()].push_back(&subscription);
        break;
      case wire::SubscriptionKind::request:
        following_[subscription.request_id].push_back(&subscription);
        break;
      case wire::SubscriptionKind::territory:
        territories_[subscription.departement].push_back(&subscription);
        break;
      default:
        break;
    }
  }
  for (const auto& [id, request] : state.workflow.requests) {
    request_states_.try_emplace(id, request.state);
    escalation_.try_emplace(id, EscalationTerms{request.waiting_since, request.escalate_after_s, 0});
    if (!is_pending(request)) continue;
    pending_[request.criteria ? request.criteria->departement : std::string()].push_back(id);
  }
  recount_free(state, state.workflow.checked_until_ms);
  built_ = true;
  return true;
}

const AlertMatcher::Subscriptions& AlertMatcher::searches(std::string_view departement) const {
  return find_or_empty(searches_, departement);
}

const AlertMatcher::Subscriptions& AlertMatcher::territories(std::string_view departement) const {
  return find_or_empty(territories_, departement);
}

const AlertMatcher::Subscriptions& AlertMatcher::following(std::string_view request_id) const {
  return find_or_empty(following_, request_id);
}

const std::vector<std::string>& AlertMatcher::pending_requests(std::string_view departement) const {
  return find_or_empty(pending_, departement);
}

namespace {

bool same_admission(const wire::UnitT& a, const wire::UnitT& b) {
  return a.age_min == b.age_min && a.age_max == b.age_max && a.sex == b.sex && a.emergency == b.emergency &&
         a.specialties == b.specialties;
}

}  // namespace

const UnitCandidates& AlertMatcher::candidates(const FacilityRecord& record, std::size_t unit_index,
                                               const BrokerState& state) {
  const wire::FacilityT& facility = record.facility;
  auto [found, inserted] = candidates_.try_emplace(facility.id);
  FacilityCandidates& candidates = found->second;
  if (inserted || candidates.lat != facility.lat || candidates.lon != facility.lon || candidates.kind != facility.kind) {
    candidates = FacilityCandidates{facility.lat, facility.lon, facility.kind, {}, {}, {}};
    for (std::string_view departement : {std::string_view(facility.departement), std::string_view()}) {
      for (const wire::SubscriptionT* search : searches(departement)) {
        if (search->query && facility_may_match(facility, *search->query)) candidates.searches.push_back(search);
      }
      for (const std::string& id : pending_requests(departement)) {
        const wire::PlacementRequestT* request = state.workflow.request(id);
        if (request && request->criteria && facility_may_match(facility, *request->criteria)) {
          candidates.requests.push_back(request);
        }
      }
      if (facility.departement.empty()) break;
    }
  }
  if (candidates.units.size() < record.units.size()) candidates.units.resize(record.units.size());
  std::optional<UnitCandidates>& unit = candidates.units[unit_index];
  const wire::UnitT& now = record.units[unit_index].unit;
  if (!unit || !same_admission(unit->unit, now)) {
    unit.emplace();
    unit->unit = now;
    for (const wire::SubscriptionT* search : candidates.searches) {
      if (unit_admits_query(now, *search->query)) unit->searches.push_back(search);
    }
    for (const wire::PlacementRequestT* request : candidates.requests) {
      if (unit_admits_query(now, *request->criteria)) unit->requests.push_back(request);
    }
  }
  return *unit;
}

std::int64_t AlertMatcher::escalation_floor(const wire::PlacementRequestT& request) const {
  const std::int64_t entered = request.created_at + 1;
  auto found = escalation_.find(request.id);
  return found == escalation_.end() ? entered : std::max(entered, found->second.floor);
}

void AlertMatcher::note_escalation_terms(const wire::PlacementRequestT& request, std::int64_t now_ms) {
  auto [found, inserted] =
      escalation_.try_emplace(request.id, EscalationTerms{request.waiting_since, request.escalate_after_s, 0});
  EscalationTerms& terms = found->second;
  if (inserted || (terms.waiting_since == request.waiting_since && terms.escalate_after_s == request.escalate_after_s)) {
    return;
  }
  terms = EscalationTerms{request.waiting_since, request.escalate_after_s, now_ms + 1};
}

std::int64_t AlertMatcher::free_places(const wire::AvailabilityT& availability, std::int64_t reference_ms,
                                       std::int64_t stale_after_ms) {
  if (availability.confirmed_at == 0) return 0;
  if (reference_ms - availability.confirmed_at > stale_after_ms) return 0;
  return availability.available;
}

AlertMatcher::ByKey<TerritoryFree> AlertMatcher::recount_free(const BrokerState& state, std::int64_t reference_ms) {
  ByKey<TerritoryFree> previous = std::move(free_);
  free_.clear();
  for (const auto& [id, facility] : state.index.facilities()) {
    TerritoryFree& territory = free_[facility.facility.departement];
    const auto kind = static_cast<std::size_t>(facility.facility.kind);
    for (const auto& unit : facility.units) {
      const std::int64_t places = free_places(unit.availability, reference_ms, state.stale_after_ms);
      territory.total += places;
      if (kind < territory.by_kind.size()) territory.by_kind[kind] += places;
    }
  }
  free_reference_ms_ = reference_ms;
  return previous;
}

std::uint64_t subscription_number(std::string_view id) {
  if (!id.starts_with("S-")) return 0;
  std::uint64_t number = 0;
  const auto* end = id.data() + id.size();
  auto [ptr, error] = std::from_chars(id.data() + 2, end, number);
  return error == std::errc() && ptr == end ? number : 0;
}

}  // namespace dispo::broker
