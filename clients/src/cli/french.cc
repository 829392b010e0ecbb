#include "french.h"

#include <cstdio>

#include "dispo/schemas/names.h"
#include "dispo/clients/communes.h"

namespace dispo::cli {

std::string near_place(double lat, double lon) {
  const std::string point = "point " + decimal(lat, 4) + " ; " + decimal(lon, 4);
  const client::Commune* commune = client::Communes::national().nearest(lat, lon);
  return commune ? commune->name + " (" + commune->departement + ") · " + point : point;
}

std::string town_name(const std::string& commune_insee) {
  return client::Communes::national().town_name(commune_insee);
}

std::string unit_label(const std::string& unit_id, const std::string& unit_name) {
  if (unit_name.empty()) return "« " + unit_id + " »";
  return "« " + unit_name + " » (" + unit_id + ")";
}

std::string kind_label(wire::FacilityKind kind) {
  using K = wire::FacilityKind;
  switch (kind) {
    case K::mecs: return "MECS";
    case K::foyer_urgence: return "foyer de l'enfance (urgence)";
    case K::assistant_familial: return "accueil familial";
    case K::pouponniere: return "pouponnière";
    case K::lieu_de_vie: return "lieu de vie";
    case K::village_enfants: return "village d'enfants";
    case K::accueil_jour: return "accueil de jour";
    case K::accueil_sequentiel: return "accueil séquentiel";
    case K::centre_maternel: return "centre maternel";
    case K::medico_social: return "médico-social";
    case K::mna: return "accueil MNA";
  }
  return wire::EnumNameFacilityKind(kind);
}

std::string specialty_label(wire::Specialty specialty) {
  using S = wire::Specialty;
  switch (specialty) {
    case S::handicap: return "handicap (orientation MDPH)";
    case S::soins_psy: return "soins psychiques";
    case S::nourrisson: return "nourrissons";
    case S::mere_enfant: return "mère-enfant";
    case S::mna: return "mineurs non accompagnés";
    case S::ado_difficulte: return "adolescents en grande difficulté";
  }
  return wire::EnumNameSpecialty(specialty);
}

std::string unit_sex_label(wire::UnitSex sex) {
  switch (sex) {
    case wire::UnitSex::mixte: return "mixte";
    case wire::UnitSex::filles: return "filles";
    case wire::UnitSex::garcons: return "garçons";
  }
  return "?";
}

std::string child_sex_label(wire::ChildSex sex) {
  switch (sex) {
    case wire::ChildSex::fille: return "fille";
    case wire::ChildSex::garcon: return "garçon";
    case wire::ChildSex::non_precise: return "";
  }
  return "";
}

std::string authorisation_label(wire::Authorisation authorisation, const std::string& end_date) {
  using A = wire::Authorisation;
  switch (authorisation) {
    case A::autorise: return "autorisé";
    case A::derogatoire:
      return "dérogation (CASF L.221-2-3)" + (end_date.empty() ? std::string() : " jusqu'au " + end_date);
    case A::hotel: return "hôtel (non autorisé)";
    case A::gite: return "gîte (non autorisé)";
    case A::location: return "location (non autorisé)";
    case A::non_autorise: return "non autorisé";
  }
  return "?";
}

std::string years(int age) {
  if (age <= 0) return "moins d'un an";
  if (age == 1) return "1 an";
  return std::to_string(age) + " ans";
}

std::string since(std::int64_t age_s) {
  if (age_s < 60) return "à l'instant";
  if (age_s < 3600) return "il y a " + std::to_string(age_s / 60) + " min";
  if (age_s < 86400) return "il y a " + std::to_string(age_s / 3600) + " h";
  return "il y a " + std::to_string(age_s / 86400) + " j";
}

std::string since_ms(std::int64_t confirmed_at_ms, std::int64_t now_ms) {
  if (confirmed_at_ms <= 0) return "jamais confirmé";
  return since((now_ms - confirmed_at_ms) / 1000);
}

std::string decimal(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  std::string text = buffer;
  for (char& c : text) {
    if (c == '.') c = ',';
  }
  return text;
}

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n <= 1 ? singular : plural);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes, not continuation bytes
  }
  return width;
}

std::string fit(std::string_view text, std::size_t width) {
  const std::size_t current = display_width(text);
  if (current <= width) return std::string(text) + std::string(width - current, ' ');
  if (width == 0) return {};
  std::string out;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (kept == width - 1) break;
      ++kept;
    }
    out += text[i];
  }
  return out + "…";
}

std::string right(std::string_view text, std::size_t width) {
  const std::size_t current = display_width(text);
  return std::string(current < width ? width - current : 0, ' ') + std::string(text);
}

namespace {

struct ReasonWord {
  const char* word;     // what people type (and what --help shows)
  const char* accented; // the same with its accents, also accepted
  wire::RefusalReason reason;
};

constexpr ReasonWord kReasonWords[] = {
    {"complet", "complet", wire::RefusalReason::full},
    {"perime", "périmé", wire::RefusalReason::stale},
    {"age", "âge", wire::RefusalReason::age},
    {"sexe", "sexe", wire::RefusalReason::sex},
    {"fratrie", "fratrie", wire::RefusalReason::siblings},
    {"specialisation", "spécialisation", wire::RefusalReason::specialisation},
    {"distance", "distance", wire::RefusalReason::distance},
    {"type", "type", wire::RefusalReason::kind},
    {"non_autorise", "non_autorisé", wire::RefusalReason::not_authorised},
    {"urgence", "urgence", wire::RefusalReason::emergency},
    {"territoire", "territoire", wire::RefusalReason::territory},
    {"comportement", "comportement", wire::RefusalReason::behaviour},
    {"autre", "autre", wire::RefusalReason::other},
};

}  // namespace

std::optional<wire::RefusalReason> refusal_reason_from_word(std::string_view word) {
  for (const auto& entry : kReasonWords) {
    if (wire::same_name(word, entry.word) || wire::same_name(word, entry.accented)) return entry.reason;
  }
  return wire::enum_from_name(word, wire::EnumValuesRefusalReason(), &wire::EnumNameRefusalReason);
}

std::string refusal_reason_words() {
  std::string words;
  for (const auto& entry : kReasonWords) words += (words.empty() ? "" : ", ") + std::string(entry.word);
  return words;
}

}  // namespace dispo::cli
