#include "search.h"

#include "validation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <optional>
#include <span>

#include "group_placement.h"
#include "suitability.h"

namespace dispo::broker {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;

// The query, prepared once for the scan.
struct Criteria : SuitabilityCriteria {
  std::size_t child_count = 0;  // children of the query (may exceed the group placed)
  const std::vector<std::string>* territories = nullptr;  // empty = every département
};

// One child of a facility's placement; `child` is kUnplaced when the query has no children.
struct PlacedChild {
  std::uint32_t unit;  // index in FacilityRecord::units
  int child;           // index in SearchQuery.children
};

// A facility that places at least one child, before it becomes a wire::MatchT.
struct Candidate {
  const FacilityRecord* facility = nullptr;
  double distance_km = 0.0;            // 0 without a near point
  std::int64_t oldest_confirmed_at = 0;  // 0 when a unit used was never confirmed
  int placed = 0;
  bool whole_group = false;
  bool stale = false;
  std::uint32_t first = 0;  // its PlacedChild range in the arena
  std::uint32_t count = 0;
};

// Scratch space reused for every facility of one search.
struct Scan {
  std::vector<UnitOption> options;
  std::vector<std::uint32_t> option_units;  // index in FacilityRecord::units of each option
  std::vector<int> assignment;
  GroupPlacement placement;
};

template <typename T>
bool contains(const std::vector<T>& values, T value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool in_territory(const wire::FacilityT& facility, const Criteria& criteria) {
  const wire::SearchQueryT& query = *criteria.query;
  if (!query.departement.empty() && facility.departement != query.departement) return false;
  return criteria.territories->empty() || contains(*criteria.territories, facility.departement);
}

// Fills scan.options with the facility's units that can take at least one child of `group`
// (every admitted unit when the group is empty). Counts the stale ones left out.
void collect_options(const FacilityRecord& record, std::span<const int> group,
                     const Criteria& criteria, Scan& scan, std::uint32_t* stale_excluded) {
  scan.options.clear();
  scan.option_units.clear();
  for (std::uint32_t i = 0; i < record.units.size(); ++i) {
    const UnitRecord& unit = record.units[i];
    ChildSet admitted = 0;
    if (auto refusal = unit_refusal(unit, group, criteria, &admitted)) {
      if (*refusal != wire::RefusalReason::stale) continue;
      if (!criteria.query->include_stale) {
        if (stale_excluded) ++*stale_excluded;
        continue;
      }
    }
    scan.options.push_back({unit_capacity(unit, criteria), admitted, availability_of(unit, criteria).confirmed_at});
    scan.option_units.push_back(i);
  }
}

// Appends to the arena, grouped by unit in registration order, the children of `group` that
// the facility places (each option, with no children, when the group is empty).
int place_children(std::span<const int> group, Scan& scan, std::vector<PlacedChild>& arena) {
  if (group.empty()) {
    for (std::uint32_t unit : scan.option_units) arena.push_back({unit, kUnplaced});
    return 0;
  }
  scan.assignment.resize(group.size());
  const int placed = scan.placement.place(scan.options, static_cast<int>(group.size()),
                                          scan.assignment);
  for (std::size_t option = 0; option < scan.options.size(); ++option) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (scan.assignment[i] == static_cast<int>(option)) {
        arena.push_back({scan.option_units[option], group[i]});
      }
    }
  }
  return placed;
}

// How `record` places the children of `group`, or nothing when it places none.
std::optional<Candidate> evaluate(const FacilityRecord& record, double distance,
                                  std::span<const int> group, const Criteria& criteria,
                                  Scan& scan, std::vector<PlacedChild>& arena,
                                  std::uint32_t* stale_excluded) {
  collect_options(record, group, criteria, scan, stale_excluded);
  if (scan.options.empty()) return std::nullopt;
  Candidate candidate;
  candidate.facility = &record;
  candidate.distance_km = distance;
  candidate.first = static_cast<std::uint32_t>(arena.size());
  candidate.placed = place_children(group, scan, arena);
  candidate.count = static_cast<std::uint32_t>(arena.size()) - candidate.first;
  if (!group.empty() && candidate.placed == 0) return std::nullopt;
  candidate.whole_group = static_cast<std::size_t>(candidate.placed) == criteria.child_count;
  candidate.oldest_confirmed_at = std::numeric_limits<std::int64_t>::max();
  for (std::uint32_t i = candidate.first; i < candidate.first + candidate.count; ++i) {
    const wire::AvailabilityT& availability = availability_of(record.units[arena[i].unit], criteria);
    candidate.oldest_confirmed_at = std::min(candidate.oldest_confirmed_at, availability.confirmed_at);
    candidate.stale = candidate.stale || is_stale(availability, criteria.now_ms, criteria.stale_after_ms);
  }
  return candidate;
}

// Fresher first; never confirmed (0) last.
int compare_freshness(const Candidate& a, const Candidate& b) {
  if (a.oldest_confirmed_at == b.oldest_confirmed_at) return 0;
  return a.oldest_confirmed_at > b.oldest_confirmed_at ? -1 : 1;
}

// Nearer (when a point was given), then fresher, then facility id.
bool closer(const Candidate& a, const Candidate& b, const Criteria& criteria) {
  if (criteria.has_near && a.distance_km != b.distance_km) return a.distance_km < b.distance_km;
  if (const int freshness = compare_freshness(a, b); freshness != 0) return freshness < 0;
  return a.facility->facility.id < b.facility->facility.id;
}

// Whole group first, then more children placed, then nearer, fresher.
bool ranks_before(const Candidate& a, const Candidate& b, const Criteria& criteria) {
  if (a.whole_group != b.whole_group) return a.whole_group;
  if (a.placed != b.placed) return a.placed > b.placed;
  return closer(a, b, criteria);
}

std::int64_t age_seconds(const Candidate& candidate, const Criteria& criteria) {
  if (candidate.oldest_confirmed_at == 0) return -1;
  return std::max<std::int64_t>(0, (criteria.now_ms - candidate.oldest_confirmed_at) / 1000);
}

std::unique_ptr<wire::PlacementT> make_placement(const UnitRecord& unit) {
  auto placement = std::make_unique<wire::PlacementT>();
  placement->unit_id = unit.unit.id;
  placement->unit_name = unit.unit.name;
  placement->availability = std::make_unique<wire::AvailabilityT>(unit.availability);
  return placement;
}

std::unique_ptr<wire::MatchT> make_match(const Candidate& candidate,
                                         const std::vector<PlacedChild>& arena,
                                         const Criteria& criteria) {
  const FacilityRecord& record = *candidate.facility;
  const wire::FacilityT& facility = record.facility;
  auto match = std::make_unique<wire::MatchT>();
  match->facility_id = facility.id;
  match->name = facility.name;
  match->kind = facility.kind;
  match->departement = facility.departement;
  match->commune_insee = facility.commune_insee;
  match->phone = facility.phone;
  match->lat = facility.lat;
  match->lon = facility.lon;
  match->address = facility.address;
  if (criteria.has_near) match->distance_km = candidate.distance_km;
  match->whole_group = candidate.whole_group;
  match->stale = candidate.stale;
  match->age_s = age_seconds(candidate, criteria);
  for (std::uint32_t i = candidate.first; i < candidate.first + candidate.count; ++i) {
    const PlacedChild& placed = arena[i];
    if (i == candidate.first || arena[i - 1].unit != placed.unit) {
      match->placements.push_back(make_placement(record.units[placed.unit]));
    }
    if (placed.child != kUnplaced) {
      match->placements.back()->children.push_back(static_cast<std::uint8_t>(placed.child));
    }
  }
  return match;
}

Criteria make_criteria(const wire::SearchQueryT& query, const SearchContext& context) {
  Criteria criteria;
  static_cast<SuitabilityCriteria&>(criteria) =
      make_suitability_criteria(query, context.now_ms, context.stale_after_ms, context.today);
  criteria.territories = &context.territories;
  criteria.child_count = query.children.size();
  return criteria;
}

// The children that can be placed: indices into query.children (at most kMaxGroupChildren).
std::vector<int> placeable_group(const wire::SearchQueryT& query) {
  const auto size = std::min<std::size_t>(query.children.size(), kMaxGroupChildren);
  std::vector<int> group(size);
  for (std::size_t i = 0; i < size; ++i) group[i] = static_cast<int>(i);
  return group;
}

// Every facility of the index placing at least one child (or, with no children, having an
// admitted unit), in index order.
std::vector<Candidate> scan_index(const AvailabilityIndex& index, std::span<const int> group,
                                  const Criteria& criteria, Scan& scan,
                                  std::vector<PlacedChild>& arena, std::uint32_t& stale_excluded) {
  std::vector<Candidate> candidates;
  for (const auto& [id, record] : index.facilities()) {
    if (!in_territory(record.facility, criteria)) continue;
    double distance = 0.0;
    if (criteria.has_near) {
      distance = distance_km(criteria.near_lat, criteria.near_lon, record.facility.lat,
                             record.facility.lon);
    }
    if (facility_refusal(record.facility, criteria, distance)) continue;
    if (auto candidate = evaluate(record, distance, group, criteria, scan, arena, &stale_excluded)) {
      candidates.push_back(*candidate);
    }
  }
  return candidates;
}

void remove_placed(std::vector<int>& unplaced, const Candidate& chosen,
                   const std::vector<PlacedChild>& arena) {
  for (std::uint32_t i = chosen.first; i < chosen.first + chosen.count; ++i) {
    std::erase(unplaced, arena[i].child);
  }
}

// Greedy split: repeatedly the facility placing the most children still unplaced (ties: the
// closer), until every child is placed or nobody takes the rest. A facility never places more
// of the unplaced children than it placed of the whole group: candidates are tried in that
// order, and a round stops at the first that cannot beat the best found.
std::vector<std::unique_ptr<wire::MatchT>> propose_split(const std::vector<Candidate>& candidates,
                                                         std::span<const int> group,
                                                         const Criteria& criteria, Scan& scan) {
  std::vector<const Candidate*> order;
  for (const Candidate& candidate : candidates) order.push_back(&candidate);
  std::sort(order.begin(), order.end(), [&](const Candidate* a, const Candidate* b) {
    return a->placed != b->placed ? a->placed > b->placed : closer(*a, *b, criteria);
  });
  std::vector<std::unique_ptr<wire::MatchT>> split;
  std::vector<int> unplaced(group.begin(), group.end());
  std::vector<PlacedChild> arena;
  std::vector<PlacedChild> trial;
  while (!unplaced.empty()) {
    std::optional<Candidate> best;
    std::size_t best_index = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (!order[i]) continue;
      if (best && order[i]->placed < best->placed) break;
      trial.clear();
      auto option = evaluate(*order[i]->facility, order[i]->distance_km, unplaced, criteria, scan,
                             trial, nullptr);
      if (!option) continue;
      if (!best || option->placed > best->placed ||
          (option->placed == best->placed && closer(*option, *best, criteria))) {
        best = option;
        best_index = i;
      }
    }
    if (!best) break;
    order[best_index] = nullptr;
    auto chosen = evaluate(*best->facility, best->distance_km, unplaced, criteria, scan, arena,
                           nullptr);
    chosen->whole_group = false;
    split.push_back(make_match(*chosen, arena, criteria));
    remove_placed(unplaced, *chosen, arena);
  }
  return split;
}

}  // namespace

wire::SearchResultT search(const AvailabilityIndex& index, const wire::SearchQueryT& query,
                           const SearchContext& context) {
  const Criteria criteria = make_criteria(query, context);
  const std::vector<int> group = placeable_group(query);
  Scan scan;
  std::vector<PlacedChild> arena;
  wire::SearchResultT result;
  result.sequence = context.sequence;

  std::vector<Candidate> candidates =
      scan_index(index, group, criteria, scan, arena, result.stale_excluded);
  const auto by_rank = [&](const Candidate& a, const Candidate& b) {
    return ranks_before(a, b, criteria);
  };
  const std::size_t shown =
      query.limit == 0 ? candidates.size() : std::min<std::size_t>(query.limit, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + shown, candidates.end(), by_rank);

  result.whole_group_found = !candidates.empty() && candidates.front().whole_group;
  for (std::size_t i = 0; i < shown; ++i) {
    result.matches.push_back(make_match(candidates[i], arena, criteria));
  }
  if (group.size() >= 2 && !result.whole_group_found) {
    result.split = propose_split(candidates, group, criteria, scan);
  }
  // "No place" and "no facility registered there" (a mistyped département) are different answers.
  if (candidates.empty()) {
    std::int32_t registered = 0;
    for (const auto& [id, record] : index.facilities()) {
      if (in_territory(record.facility, criteria)) ++registered;
    }
    result.facilities_in_territory = registered;
  }
  return result;
}

std::optional<FacilityFit> fit_facility(const FacilityRecord& facility, const wire::SearchQueryT& query,
                                        const SearchContext& context, AvailabilityOverride instead) {
  Criteria criteria = make_criteria(query, context);
  criteria.instead_unit = instead.unit;
  criteria.instead_availability = instead.availability;
  if (!in_territory(facility.facility, criteria)) return std::nullopt;
  double distance = 0.0;
  if (criteria.has_near) {
    distance = distance_km(criteria.near_lat, criteria.near_lon, facility.facility.lat, facility.facility.lon);
  }
  if (facility_refusal(facility.facility, criteria, distance)) return std::nullopt;
  thread_local Scan scan;
  thread_local std::vector<PlacedChild> arena;
  thread_local std::vector<int> group;
  arena.clear();
  group.resize(std::min<std::size_t>(query.children.size(), kMaxGroupChildren));
  for (std::size_t i = 0; i < group.size(); ++i) group[i] = static_cast<int>(i);
  auto candidate = evaluate(facility, distance, group, criteria, scan, arena, nullptr);
  if (!candidate) return std::nullopt;
  return FacilityFit{candidate->placed, candidate->whole_group};
}

bool unit_may_match(const UnitRecord& unit, const wire::AvailabilityT& availability,
                    const wire::SearchQueryT& query, const SearchContext& context) {
  SuitabilityCriteria criteria;
  criteria.query = &query;
  criteria.now_ms = context.now_ms;
  criteria.stale_after_ms = context.stale_after_ms;
  criteria.instead_unit = &unit;
  criteria.instead_availability = &availability;
  std::vector<int> group(std::min<std::size_t>(query.children.size(), kMaxGroupChildren));
  for (std::size_t i = 0; i < group.size(); ++i) group[i] = static_cast<int>(i);
  ChildSet admitted = 0;
  const auto refusal = unit_refusal(unit, group, criteria, &admitted);
  return !refusal || (*refusal == wire::RefusalReason::stale && query.include_stale);
}

bool unit_admits_query(const wire::UnitT& unit, const wire::SearchQueryT& query) {
  if (query.emergency_only && !unit.emergency) return false;
  for (wire::Specialty need : query.needs) {
    if (!contains(unit.specialties, need)) return false;
  }
  if (query.children.empty()) return true;
  return std::any_of(query.children.begin(), query.children.end(),
                     [&](const auto& child) { return child && child_fits(unit, *child); });
}

bool facility_may_match(const wire::FacilityT& facility, const wire::SearchQueryT& query) {
  if (!query.departement.empty() && facility.departement != query.departement) return false;
  if (!query.kinds.empty() && !contains(query.kinds, facility.kind)) return false;
  if (query.near_lat && query.near_lon && query.max_km) {
    return distance_km(*query.near_lat, *query.near_lon, facility.lat, facility.lon) <= *query.max_km;
  }
  return true;
}

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRadians = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * kRadians;
  const double dlon = (lon2 - lon1) * kRadians;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRadians) * std::cos(lat2 * kRadians) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2.0 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace dispo::broker
