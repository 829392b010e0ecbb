// The French report `dispo capacity` prints: places by facility kind and age band (free, stale,
// reserved, closed, installed), waiting requests by origin (median, 90th percentile, longest
// wait) and unexecuted court-ordered requests. Aggregates only: no child, no facility.
// Pure; thread-safe.
#pragma once

#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

std::string format_capacity(const wire::CapacityReportT& report);

}  // namespace dispo::cli
