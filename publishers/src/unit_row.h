// Internal: validation of one CSV row (one unit and its facility's columns). Pure.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/publishers/facility_csv.h"

namespace dispo::publishers {

enum class Column : std::size_t {
  facility_id, name, kind, departement, commune_insee, lat, lon, phone, authorisation,
  unit_id, age_min, age_max, sex, installed, max_siblings, specialties, emergency,
  address, unit_name, count  // optional from `address` on (kFirstOptionalCsvColumn)
};
inline constexpr std::size_t kColumnCount = static_cast<std::size_t>(Column::count);
static_assert(static_cast<std::size_t>(Column::address) == kFirstOptionalCsvColumn);

// The facility's own columns, on which every row of one facility must agree.
constexpr bool is_facility_column(Column c) { return c <= Column::authorisation || c == Column::address; }

// A row's values by column (trimmed, quotes removed).
struct UnitRowText {
  std::array<std::string, kColumnCount> values;
  const std::string& operator[](Column c) const { return values[static_cast<std::size_t>(c)]; }
};

// A valid row: the facility's fields (no units) and the unit.
struct UnitRow {
  wire::FacilityT facility;
  wire::UnitT unit;
};

// Checks every column of `row`; appends one French message per problem (without the line
// prefix) and returns nothing when there is any.
std::optional<UnitRow> parse_unit_row(const UnitRowText& row, std::chrono::year_month_day today,
                                      std::vector<std::string>& problems);

// True when two rows carry the same value for facility column `c` (numbers compared as numbers,
// names of enum values case-insensitively).
bool same_facility_value(Column c, std::string_view a, std::string_view b);

}  // namespace dispo::publishers
