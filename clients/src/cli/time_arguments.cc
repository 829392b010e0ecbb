#include "time_arguments.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "dispo/schemas/clock.h"
#include "report_time.h"
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
      // "2" alone has no unit: 2 seconds? minutes? hours? Refused, never guessed. The digits
      // after "1h" are minutes ("1h30").
      if (total == 0) {
        return invalid(option + " : durée « " + text + " » sans unité : écrivez " + text + "h, " + text + "m ou " +
                       text + "s (formes acceptées : 2h, 30m, 90s, 1h30, 2j)");
      }
      total += value * 60;
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
  const bool date_only = text.size() == 10 && text[4] == '-' && text[7] == '-';
  auto parsed = parse_time(date_only ? text + " 00:00" : text);
  if (!parsed) {
    return invalid(option + " : moment « " + text + " » non reconnu (ou hors du calendrier) : AAAA-MM-JJ (minuit), "
                   "AAAA-MM-JJ HH:MM[:SS] ou AAAA-MM-JJTHH:MM[:SS] en heure locale, suivi de Z pour UTC ou d'un "
                   "décalage +HH:MM ; ou now");
  }
  return parsed;
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
