// Unix milliseconds as calendar text, for every component (broker dates, CLI and publisher
// displays). Safe for any value: a time the calendar cannot express gives "" instead of reading
// an unterminated buffer. Thread-safe (localtime_r/gmtime_r).
#pragma once

#include <cstdint>
#include <string>

namespace dispo::wire {

enum class TimeZone { local, utc };

// `unix_ms` through strftime `pattern` (at most 63 characters of output) in `zone`; "" when the
// moment lies outside years 0–9999 or the output does not fit.
std::string format_time(std::int64_t unix_ms, const char* pattern, TimeZone zone);

}  // namespace dispo::wire
