#include "dispo/schemas/placement_law.h"

#include <chrono>
#include <cstdio>

namespace dispo::wire {

std::string derogation_limit(std::string_view today) {
  int year = 0;
  unsigned month = 0, day = 0, used = 0;
  const std::string text(today);
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%n", &year, &month, &day, &used) != 3 ||
      used != 10) {
    return text;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!date.ok()) return text;
  auto limit = date + std::chrono::months{2};
  if (!limit.ok()) limit = limit.year() / limit.month() / std::chrono::last;
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(limit.year()),
                static_cast<unsigned>(limit.month()), static_cast<unsigned>(limit.day()));
  return out;
}

bool is_stale(std::int64_t confirmed_at_ms, std::int64_t now_ms, std::int64_t stale_after_ms) {
  if (confirmed_at_ms == 0) return true;
  if (stale_after_ms == 0) return false;
  return now_ms - confirmed_at_ms > stale_after_ms;
}

}  // namespace dispo::wire
