#include "dispo/schemas/names.h"

namespace dispo::wire {

std::optional<FacilityKind> facility_kind_from_name(std::string_view name) {
  return enum_from_name(name, EnumValuesFacilityKind(), &EnumNameFacilityKind);
}
std::optional<UnitSex> unit_sex_from_name(std::string_view name) {
  return enum_from_name(name, EnumValuesUnitSex(), &EnumNameUnitSex);
}
std::optional<Specialty> specialty_from_name(std::string_view name) {
  return enum_from_name(name, EnumValuesSpecialty(), &EnumNameSpecialty);
}

std::optional<Authorisation> authorisation_from_name(std::string_view name) {
  return enum_from_name(name, EnumValuesAuthorisation(), &EnumNameAuthorisation);
}

std::string facility_kind_names() { return enum_names(EnumValuesFacilityKind(), &EnumNameFacilityKind); }
std::string unit_sex_names() { return enum_names(EnumValuesUnitSex(), &EnumNameUnitSex); }
std::string specialty_names() { return enum_names(EnumValuesSpecialty(), &EnumNameSpecialty); }

}  // namespace dispo::wire
