// Durations and moments as people type them on the command line. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "dispo/schemas/result.h"

namespace dispo::cli {

// "2h", "30m", "30min", "90s", "1h30", "2j"/"2d" → seconds (> 0). A number without a unit ("2")
// is refused, with the accepted forms. Error (invalid): one French line naming `option`.
Result<std::int64_t> parse_duration(const std::string& text, const std::string& option);

// Every form report_time.h's parse_time reads ("2026-11-20T08:30", "2026-11-20 08:30[:15[.250]]"
// in the machine's local time, "…Z" in UTC, "…+01:00"), or "2026-11-20" (local midnight), or
// "now" → Unix ms. The one reader of moments on the command line; its error names `option`.
Result<std::int64_t> parse_moment(const std::string& text, const std::string& option);

// Unix ms → "2026-11-20 08:30" in local time.
std::string format_moment(std::int64_t unix_ms);

// Seconds → "3 j 4 h", "2 h 05", "12 min", "40 s".
std::string format_wait(std::int64_t seconds);

}  // namespace dispo::cli
