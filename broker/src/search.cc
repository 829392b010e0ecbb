// Placeholder replaced by the search implementation (work in progress in this session).
#include "search.h"

#include <cmath>

namespace dispo::broker {

wire::SearchResultT search(const AvailabilityIndex&, const wire::SearchQueryT&,
                           const SearchContext& context) {
  wire::SearchResultT result;
  result.sequence = context.sequence;
  return result;
}

double distance_km(double, double, double, double) { return 0.0; }

}  // namespace dispo::broker
