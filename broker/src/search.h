// Search: ranks the places of the index that match a query (DESIGN.md §3, issue #2).
//
// Only authorised places (autorise, or derogatoire whose end date is not past) with places
// available now. A facility that can take the whole sibling group together ranks first, then
// distance from the query's point, then freshness. When no single facility can take the group,
// `split` proposes the closest split. Stale units (confirmed longer ago than the freshness
// limit, or never) are left out unless the query includes them, and counted in stale_excluded.
// Pure function of its inputs; thread-safe as long as the index is not being modified.
#pragma once

#include <cstdint>

#include "availability_index.h"

namespace dispo::broker {

struct SearchContext {
  std::int64_t now_ms = 0;
  std::int64_t stale_after_ms = 12LL * 3600 * 1000;
  std::uint64_t sequence = 0;   // copied into the result
  std::string today;            // "YYYY-MM-DD", to check derogation end dates
};

wire::SearchResultT search(const AvailabilityIndex& index, const wire::SearchQueryT& query,
                           const SearchContext& context);

// Great-circle distance in kilometres.
double distance_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace dispo::broker
