// French wording shared by the `dispo` CLI's reports: labels of the schema's enums, ages,
// "il y a 12 min", decimal commas, and column fitting that counts UTF-8 characters.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

std::string kind_label(wire::FacilityKind kind);           // "foyer de l'enfance (urgence)"
std::string specialty_label(wire::Specialty specialty);    // "soins psychiques"
std::string unit_sex_label(wire::UnitSex sex);             // "mixte", "filles", "garçons"
std::string child_sex_label(wire::ChildSex sex);           // "fille", "garçon", "" (non précisé)
std::string authorisation_label(wire::Authorisation authorisation, const std::string& end_date);

std::string years(int age);                   // "moins d'un an", "1 an", "7 ans"
std::string since(std::int64_t age_s);        // "à l'instant", "il y a 12 min", "il y a 3 h", "il y a 2 j"
std::string since_ms(std::int64_t confirmed_at_ms, std::int64_t now_ms);  // "jamais confirmé" for 0
std::string decimal(double value, int digits);  // 4.25 → "4,3" with digits = 1
std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural);  // "1 place", "3 places"

// Number of characters (UTF-8 code points) in `text`.
std::size_t display_width(std::string_view text);
// `text` padded with spaces to `width` characters, or cut with "…" when longer.
std::string fit(std::string_view text, std::size_t width);
// `text` right-aligned in `width` characters (never cut).
std::string right(std::string_view text, std::size_t width);

}  // namespace dispo::cli
