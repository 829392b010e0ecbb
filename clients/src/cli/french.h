// French wording shared by the `dispo` CLI's reports: labels of the schema's enums, ages,
// "il y a 12 min", decimal commas, and column fitting that counts UTF-8 characters.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
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

// A facility's decline reason as people type it: the French word (`fratrie`, `complet`, `age`,
// `sexe`, … — with or without accents, any case), or the schema's name (`siblings`, kept for
// scripts written before). Nothing for an unknown word.
std::optional<wire::RefusalReason> refusal_reason_from_word(std::string_view word);
// "complet, perime, age, sexe, fratrie, …": the French words, for --help and errors.
std::string refusal_reason_words();

// A point as people read it: "Lille (59) · point 50,6309 ; 3,0468" — the commune of the national
// table whose centre is nearest, then the coordinates.
std::string near_place(double lat, double lon);
// A town's name for an INSEE code ("Lille"), or the code when the national table does not know it.
std::string town_name(const std::string& commune_insee);

// "« u2 »", or "« Les Lucioles » (u2)" when the unit has a name: the id is what `dispo hold` takes.
std::string unit_label(const std::string& unit_id, const std::string& unit_name);

// Number of characters (UTF-8 code points) in `text`.
std::size_t display_width(std::string_view text);
// `text` padded with spaces to `width` characters, or cut with "…" when longer.
std::string fit(std::string_view text, std::size_t width);
// `text` right-aligned in `width` characters (never cut).
std::string right(std::string_view text, std::size_t width);

}  // namespace dispo::cli
