// Enum values by their schema names ("mecs", "soins_psy", "filles"), as used in CSV files,
// command lines and JSON. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dispo/schemas/dispo_generated.h"

namespace dispo::wire {

// Whether `a` and `b` are equal ignoring ASCII case ("OPP" and "opp").
inline bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Generated enums expose EnumValuesX() (array of values) and EnumNameX(value):
// enum_from_name("opp", EnumValuesLegalBasis(), &EnumNameLegalBasis). Any case is accepted
// ("OPP", "Mecs"): people type them.
template <typename E, std::size_t N>
std::optional<E> enum_from_name(std::string_view name, const E (&values)[N], const char* (*name_of)(E)) {
  for (E value : values) {
    if (same_name(name, name_of(value))) return value;
  }
  return std::nullopt;
}

// "a, b, c" for error messages and --help.
template <typename E, std::size_t N>
std::string enum_names(const E (&values)[N], const char* (*name_of)(E)) {
  std::string out;
  for (E value : values) {
    if (!out.empty()) out += ", ";
    out += name_of(value);
  }
  return out;
}

std::optional<FacilityKind> facility_kind_from_name(std::string_view name);
std::optional<UnitSex> unit_sex_from_name(std::string_view name);
std::optional<Specialty> specialty_from_name(std::string_view name);
std::optional<Authorisation> authorisation_from_name(std::string_view name);

// "a, b, c": every valid name of the enum, for error messages and --help.
std::string facility_kind_names();
std::string unit_sex_names();
std::string specialty_names();

}  // namespace dispo::wire
