// Search: ranks the places of the index that match a query (DESIGN.md §3, issue #2).
//
// Eligible: units of authorised facilities (autorise, or derogatoire whose derogation_end is
// not before `today`; any other authorisation never), with places available now, passing the
// query's filters (departement, kinds, emergency_only, every need offered, max_km from the near
// point). A child fits a unit by age range and sex (mixte takes all; filles / garcons take their
// sex and non_precise). A unit takes together at most min(available, max(1, max_siblings))
// children. Within a facility the most children possible are placed, in as few units as possible
// (one unit for the whole group when one can). With no children, each eligible unit is a
// placement without children.
//
// `matches`: facilities placing at least one child: whole group first, then distance from the
// near point (when given), then freshness (never confirmed last), then facility id; truncated to
// `limit` (0 = no limit). `split` (>= 2 children, no facility takes them all): greedily the
// facility placing the most still-unplaced children (ties: nearer, fresher), until all are placed
// or nobody takes the rest; children nobody takes are absent. Stale units (confirmed_at == 0 or
// older than stale_after_ms) are left out unless include_stale, and counted in stale_excluded
// (units that matched but for staleness). age_s: seconds since the oldest confirmation of the
// units used (never negative), -1 when one was never confirmed. Only the first
// kMaxGroupChildren (64) children can be placed; the broker should refuse larger groups.
// Pure function of its inputs; thread-safe as long as the index is not being modified.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/availability_index.h"

namespace dispo::broker {

struct SearchContext {
  std::int64_t now_ms = 0;
  std::int64_t stale_after_ms = 12LL * 3600 * 1000;
  std::uint64_t sequence = 0;   // copied into the result
  std::string today;            // "YYYY-MM-DD" for derogation end dates; empty = the local date of now_ms (local_date)
  std::vector<std::string> territories;  // non-empty: only these départements (the principal's)
};

wire::SearchResultT search(const AvailabilityIndex& index, const wire::SearchQueryT& query,
                           const SearchContext& context);

// Evaluates `unit` with `availability` instead of its own: a facility as it was before a change.
struct AvailabilityOverride {
  const UnitRecord* unit = nullptr;
  const wire::AvailabilityT* availability = nullptr;
};

// What search() makes of one facility alone (the alert matcher's test): nothing when it would not
// be among the matches (facility or unit filters, staleness, distance, no child placed), else how
// many children it places and whether that is the whole group. Same rules as search().
struct FacilityFit {
  int placed = 0;
  bool whole_group = false;
};
std::optional<FacilityFit> fit_facility(const FacilityRecord& facility, const wire::SearchQueryT& query,
                                        const SearchContext& context, AvailabilityOverride instead = {});

// Whether `unit`, with `availability`, passes the query's unit tests (places available now,
// emergency, needs, at least one child admitted by age and sex, fresh unless include_stale). For a
// query of at most one child, a facility that passes facility_may_match and is authorised matches
// exactly when one of its units passes. Cheap; no allocation.
bool unit_may_match(const UnitRecord& unit, const wire::AvailabilityT& availability,
                    const wire::SearchQueryT& query, const SearchContext& context);

// The query's unit filters that do not change with time or availability: emergency, needs, at
// least one child admitted by age and sex (or no children). unit_may_match implies it.
bool unit_admits_query(const wire::UnitT& unit, const wire::SearchQueryT& query);

// The query's facility filters that do not change with time or availability: département,
// kinds, max_km from the near point. (Authorisation and the principal's territories are not
// checked here.)
bool facility_may_match(const wire::FacilityT& facility, const wire::SearchQueryT& query);

// Great-circle (haversine) distance in kilometres, Earth radius 6371.0088 km.
double distance_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace dispo::broker
