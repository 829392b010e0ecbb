// The French report `dispo find` prints for people: each match with its rank, name, kind,
// commune, distance, the units and places proposed and for which children, whether the sibling
// group stays together, the data's age (with a visible warning when stale) and the 24/7 phone.
// When no facility takes the whole group, it says so and shows the proposed split and the
// children left without a place; when nothing matches, it says so and mentions the stale places
// left out. Pure; thread-safe.
#pragma once

#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

std::string format_search_result(const wire::SearchResultT& result, const wire::SearchQueryT& query);

// "enfant 2 (9 ans, garçon)" for child `index` (0-based) of `query`.
std::string describe_child(const wire::SearchQueryT& query, std::size_t index);

}  // namespace dispo::cli
