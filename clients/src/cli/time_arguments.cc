#include "time_arguments.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "dispo/schemas/clock.h"
#include "dispo/schemas/wire.h"

namespace dispo::cli {
namespace {

Error invalid(const std::string& message) { return make_error(wire::Status::invalid, message); }

}  // namespace

Result<std::int64_t> parse_duration(const std::string& text, const std::string& option) {
  const Error error = invalid(option + " : durée « " + text + " » illisible (ex. 2h, 30m, 90s, 1h30, 2j)");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t value = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i++] - '0');
      if (++digits > 9) return error;
    }
    if (digits == 0) return error;
    if (i == text.size()) {
      // "90" alone is seconds; the digits after "1h" are minutes.
      total += total == 0 ? value : value * 60;
      break;
    }
    const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
    switch (unit) {
      case 'j': case 'd': total += value * 86400; break;
      case 'h': total += value * 3600; break;
      case 'm': total += value * 60; break;
      case 's': total += value; break;
      default: return error;
    }
    if (unit == 'm' && i < text.size() && text[i] == 'i') {  // "min"
      if (text.compare(i, 2, "in") != 0) return error;
      i += 2;
    }
  }
  if (total <= 0) return error;
  return total;
}

Result<std::int64_t> parse_moment(const std::string& text, const std::string& option) {
  if (text == "now" || text == "maintenant") return wire::now_ms();
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char separator = 0;
  char zone[3] = {0};
  const int fields = std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%2s", &year, &month, &day, &separator,
                                 &hour, &minute, &second, zone);
  const bool date_only = fields == 3 && text.size() == 10;
  const bool utc = text.ends_with("Z");
  const bool with_time = fields >= 6 && (separator == 'T' || separator == ' ');
  if (!date_only && !with_time) {
    return invalid(option + " : moment « " + text +
                   " » illisible (ex. 2026-11-20T08:30, \"2026-11-20 08:30\", 2026-11-20, ou …Z pour UTC)");
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return invalid(option + " : moment « " + text + " » hors du calendrier");
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  const std::time_t seconds = utc ? timegm(&tm) : std::mktime(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return invalid(option + " : moment « " + text + " » impossible");
  return static_cast<std::int64_t>(seconds) * 1000;
}

std::string format_moment(std::int64_t unix_ms) {
  return wire::format_time(unix_ms, "%Y-%m-%d %H:%M", wire::TimeZone::local);
}

std::string format_wait(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  char text[48];
  if (seconds >= 86400) {
    std::snprintf(text, sizeof text, "%lld j %lld h", static_cast<long long>(seconds / 86400),
                  static_cast<long long>(seconds % 86400 / 3600));
  } else if (seconds >= 3600) {
    std::snprintf(text, sizeof text, "%lld h %02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds % 3600 / 60));
  } else if (seconds >= 60) {
    std::snprintf(text, sizeof text, "%lld min", static_cast<long long>(seconds / 60));
  } else {
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(seconds));
  }
  return text;
}

}  // namespace dispo::cli
