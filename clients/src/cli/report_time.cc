#include "report_time.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "dispo/schemas/clock.h"

namespace dispo::cli {
namespace {

Error bad_time(const std::string& text) {
  return make_error(wire::Status::invalid,
                    "heure « " + text + " » non reconnue : AAAA-MM-JJ HH:MM[:SS] (heure locale), "
                    "AAAA-MM-JJTHH:MM[:SS] (locale), suivie de Z pour UTC ou d'un décalage +HH:MM");
}

}  // namespace

Result<std::int64_t> parse_time(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  char separator = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &separator,
                  &tm.tm_hour, &tm.tm_min, &consumed) != 6 ||
      (separator != ' ' && separator != 'T') || consumed != 16) {
    return bad_time(text);
  }
  std::size_t at = 16;
  int millis = 0;
  if (at < text.size() && text[at] == ':') {
    if (at + 3 > text.size() || !std::isdigit(static_cast<unsigned char>(text[at + 1])) ||
        !std::isdigit(static_cast<unsigned char>(text[at + 2]))) {
      return bad_time(text);
    }
    tm.tm_sec = (text[at + 1] - '0') * 10 + (text[at + 2] - '0');
    at += 3;
    if (at < text.size() && text[at] == '.') {
      int digits = 0;
      for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at, ++digits) {
        if (digits < 3) millis = millis * 10 + (text[at] - '0');
      }
      if (digits == 0) return bad_time(text);
      for (; digits < 3; ++digits) millis *= 10;
    }
  }
  const int year = tm.tm_year, month = tm.tm_mon, day = tm.tm_mday;
  if (month < 1 || month > 12 || day < 1 || day > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return bad_time(text);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t seconds = 0;
  const std::string zone = text.substr(at);
  if (zone.empty()) {
    tm.tm_isdst = -1;
    seconds = std::mktime(&tm);
  } else if (zone == "Z") {
    seconds = ::timegm(&tm);
  } else {
    int hours = 0, minutes = 0, used = 0;
    if ((zone[0] != '+' && zone[0] != '-') ||
        std::sscanf(zone.c_str() + 1, "%2d:%2d%n", &hours, &minutes, &used) != 2 || used != 5 ||
        zone.size() != 6) {
      return bad_time(text);
    }
    seconds = ::timegm(&tm) - (zone[0] == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
  }
  // mktime/timegm normalise 2026-02-31 into March: such a date is refused.
  std::tm check{};
  ::gmtime_r(&seconds, &check);
  if (zone.empty()) ::localtime_r(&seconds, &check);
  if (zone.empty() || zone == "Z") {
    if (check.tm_year + 1900 != year || check.tm_mon + 1 != month || check.tm_mday != day) return bad_time(text);
  }
  return static_cast<std::int64_t>(seconds) * 1000 + millis;
}

std::string local_time(std::int64_t unix_ms) {
  return wire::format_time(unix_ms, "%Y-%m-%d %H:%M:%S %Z", wire::TimeZone::local);
}

std::string utc_time_exact(std::int64_t unix_ms) {
  const std::string seconds = wire::format_time(unix_ms, "%Y-%m-%dT%H:%M:%S", wire::TimeZone::utc);
  if (seconds.empty()) return {};
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(((unix_ms % 1000) + 1000) % 1000));
  return seconds + millis;
}

}  // namespace dispo::cli
