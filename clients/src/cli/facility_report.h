// The French report `dispo facility ID` prints: the facility (kind, place, 24/7 phone,
// authorisation), then each unit's admission rules and ROR counts with the confirmation's age
// and author. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

// `now_ms` is the time the ages are computed against (wire::now_ms() in the CLI).
std::string format_facility(const wire::FacilityStateT& state, std::int64_t now_ms);

}  // namespace dispo::cli
