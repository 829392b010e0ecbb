// Enum values by their schema names ("mecs", "soins_psy", "filles"), as used in CSV files,
// command lines and JSON. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dispo/schemas/dispo_generated.h"

namespace dispo::wire {

std::optional<FacilityKind> facility_kind_from_name(std::string_view name);
std::optional<UnitSex> unit_sex_from_name(std::string_view name);
std::optional<ChildSex> child_sex_from_name(std::string_view name);
std::optional<Specialty> specialty_from_name(std::string_view name);
std::optional<Authorisation> authorisation_from_name(std::string_view name);

// "a, b, c": every valid name of the enum, for error messages and --help.
std::string facility_kind_names();
std::string unit_sex_names();
std::string specialty_names();

}  // namespace dispo::wire
