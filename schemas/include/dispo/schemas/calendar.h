// Calendar days as dispo writes them everywhere ("YYYY-MM-DD": derogation ends, export ranges,
// the CSV's dates): one parser and one formatter for the broker, the publishers and the CLI.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dispo::wire {

// "YYYY-MM-DD" exactly (ten characters: four digits, '-', two digits, '-', two digits) naming a
// day that exists; nothing otherwise ("2026-02-30", "2026-1-05", " 2026-01-05" are refused).
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text);

// `date` as "YYYY-MM-DD".
std::string format_iso_date(std::chrono::year_month_day date);

}  // namespace dispo::wire
