#include "dispo/schemas/names.h"

namespace dispo::wire {
namespace {

// Generated enums expose EnumValuesX() (array of values) and EnumNameX(value).
template <typename E, std::size_t N>
std::optional<E> from_name(std::string_view name, const E (&values)[N], const char* (*name_of)(E)) {
  for (E value : values) {
    if (name == name_of(value)) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string all_names(const E (&values)[N], const char* (*name_of)(E)) {
  std::string out;
  for (E value : values) {
    if (!out.empty()) out += ", ";
    out += name_of(value);
  }
  return out;
}

}  // namespace

std::optional<FacilityKind> facility_kind_from_name(std::string_view name) {
  return from_name(name, EnumValuesFacilityKind(), &EnumNameFacilityKind);
}
std::optional<UnitSex> unit_sex_from_name(std::string_view name) {
  return from_name(name, EnumValuesUnitSex(), &EnumNameUnitSex);
}
std::optional<ChildSex> child_sex_from_name(std::string_view name) {
  return from_name(name, EnumValuesChildSex(), &EnumNameChildSex);
}
std::optional<Specialty> specialty_from_name(std::string_view name) {
  return from_name(name, EnumValuesSpecialty(), &EnumNameSpecialty);
}

std::optional<Authorisation> authorisation_from_name(std::string_view name) {
  return from_name(name, EnumValuesAuthorisation(), &EnumNameAuthorisation);
}

std::string facility_kind_names() { return all_names(EnumValuesFacilityKind(), &EnumNameFacilityKind); }
std::string unit_sex_names() { return all_names(EnumValuesUnitSex(), &EnumNameUnitSex); }
std::string specialty_names() { return all_names(EnumValuesSpecialty(), &EnumNameSpecialty); }

}  // namespace dispo::wire
