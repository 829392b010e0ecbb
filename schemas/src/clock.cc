#include "dispo/schemas/clock.h"

#include <ctime>

namespace dispo::wire {

std::string format_time(std::int64_t unix_ms, const char* pattern, TimeZone zone) {
  // Outside years 0–9999 gmtime/localtime may fail or strftime may not fit: refuse up front.
  constexpr std::int64_t kYear0 = -62'167'219'200'000;
  constexpr std::int64_t kYear10000 = 253'402'300'800'000;
  if (unix_ms < kYear0 + 86'400'000 || unix_ms >= kYear10000 - 86'400'000) return {};
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm calendar{};
  const std::tm* converted =
      zone == TimeZone::utc ? ::gmtime_r(&seconds, &calendar) : ::localtime_r(&seconds, &calendar);
  if (converted == nullptr) return {};
  char text[64];
  const std::size_t length = std::strftime(text, sizeof text, pattern, &calendar);
  return std::string(text, length);
}

}  // namespace dispo::wire
