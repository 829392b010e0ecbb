// Times as the report commands (`dispo capacity --at`, `dispo record --at`) read and print them.
//
// Accepted: "YYYY-MM-DD HH:MM[:SS]" and "YYYY-MM-DDTHH:MM[:SS[.mmm]]" in this machine's local
// time (TZ), or UTC with a final "Z", or with an explicit offset "+HH:MM" / "-HH:MM". Pure;
// thread-safe (uses the C library's reentrant time functions).
#pragma once

#include <cstdint>
#include <string>

#include "dispo/schemas/result.h"

namespace dispo::cli {

// Unix ms; an error (invalid, French, with the accepted forms) for anything else.
Result<std::int64_t> parse_time(const std::string& text);

// "2026-11-23 21:40:12" in local time, with the zone ("CET", "UTC").
std::string local_time(std::int64_t unix_ms);

// "2026-11-23T21:40:12.345Z": exact to the millisecond, for reproducing a record.
std::string utc_time_exact(std::int64_t unix_ms);

}  // namespace dispo::cli
