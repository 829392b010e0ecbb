#include "dispo/schemas/text_rules.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "dispo/schemas/printable.h"
#include "utf8.h"

namespace dispo::wire {
namespace {

Error invalid(std::string_view field, const std::string& rule) {
  return make_error(Status::invalid, std::string(field) + " : " + rule);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }

template <typename Predicate>
bool all_of(std::string_view text, Predicate allowed) {
  for (char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

std::string hex(unsigned value, int width) {
  char text[16];
  std::snprintf(text, sizeof text, "%0*X", width, value);
  return text;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto point = utf8::decode(text, i);
    if (!point) return false;
    i += point->length;
  }
  return true;
}

Result<void> check_text(std::string_view field, std::string_view value, std::size_t max_chars, bool required) {
  if (value.empty()) {
    if (required) return invalid(field, "manquant");
    return {};
  }
  std::size_t chars = 0;
  for (std::size_t i = 0; i < value.size(); ++chars) {
    const auto point = utf8::decode(value, i);
    if (!point) {
      return invalid(field, "texte qui n'est pas de l'UTF-8 valide (octet 0x" +
                                hex(static_cast<unsigned char>(value[i]), 2) + " à la position " +
                                std::to_string(i + 1) + " de " + wire::quoted(value) + ") : enregistrez-le en UTF-8");
    }
    if (utf8::is_control(point->value)) {
      return invalid(field, "caractère de contrôle U+" + hex(point->value, 4) + " interdit dans " + wire::quoted(value) +
                                " (ni saut de ligne, ni tabulation, ni séquence d'échappement)");
    }
    i += point->length;
  }
  if (chars > max_chars) {
    return invalid(field, std::to_string(chars) + " caractères, " + std::to_string(max_chars) + " au plus");
  }
  return {};
}

bool is_departement(std::string_view code) {
  if (code == "2A" || code == "2B") return true;
  if (!all_of(code, is_digit)) return false;
  if (code.size() == 2) return code != "00" && code != "20" && code <= "95";
  return code.size() == 3 && code >= "971" && code <= "976";
}

Result<void> check_departement(std::string_view field, std::string_view value) {
  if (is_departement(value)) return {};
  return invalid(field, "département " + wire::quoted(value, 8) + " inconnu (01 à 95, 2A, 2B, 971 à 976)");
}

Result<void> check_facility_id(std::string_view field, std::string_view value) {
  const bool prefix = value.size() >= 2 && ((is_digit(value[0]) && is_digit(value[1])) ||
                                            value.substr(0, 2) == "2A" || value.substr(0, 2) == "2B");
  const bool rest = value.size() >= 2 && all_of(value.substr(2), [](char c) { return is_digit(c) || is_upper(c); });
  if (prefix && rest && value.size() >= 9 && value.size() <= kMaxFacilityIdChars) return {};
  return invalid(field, "identifiant d'établissement " + wire::quoted(value, 20) +
                            " invalide : numéro FINESS à 9 caractères (ex. 590001234) ou identifiant du "
                            "département (ex. 59S000001), qui commence par le département, 9 à 16 chiffres ou "
                            "lettres majuscules");
}

Result<void> check_unit_id(std::string_view field, std::string_view value) {
  const bool allowed = all_of(value, [](char c) { return is_letter(c) || is_digit(c) || c == '-' || c == '_' || c == '.'; });
  if (!value.empty() && value.size() <= kMaxUnitIdChars && allowed) return {};
  return invalid(field, "identifiant d'unité " + wire::quoted(value, 20) + " invalide : 1 à " +
                            std::to_string(kMaxUnitIdChars) + " lettres, chiffres, « - », « _ » ou « . »");
}

Result<void> check_commune_insee(std::string_view field, std::string_view value) {
  const bool corsica = value.size() == 5 && (value.substr(0, 2) == "2A" || value.substr(0, 2) == "2B") &&
                       all_of(value.substr(2), is_digit);
  if ((value.size() == 5 && all_of(value, is_digit)) || corsica) return {};
  return invalid(field, "code INSEE de commune " + wire::quoted(value, 10) + " invalide (5 caractères, ex. 59350, 2A004)");
}

Result<void> check_phone(std::string_view field, std::string_view value) {
  std::size_t digits = 0;
  bool allowed = value.size() <= kMaxPhoneChars;
  for (char c : value) {
    digits += is_digit(c);
    allowed = allowed && (is_digit(c) || c == ' ' || c == '.' || c == '-' || c == '+' || c == '(' || c == ')');
  }
  if (allowed && digits >= 10 && digits <= 15) return {};
  return invalid(field, "numéro " + wire::quoted(value, 20) +
                            " invalide (joignable 24 h/24 : 10 à 15 chiffres, espaces et . - + ( ), ex. 03 20 00 00 00)");
}

Result<void> check_reference(std::string_view field, std::string_view value, std::size_t max_chars) {
  const bool allowed = all_of(value, [](char c) {
    return is_letter(c) || is_digit(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '@';
  });
  if (!value.empty() && value.size() <= max_chars && allowed) return {};
  return invalid(field, "identifiant " + wire::quoted(value, 20) + " invalide : 1 à " + std::to_string(max_chars) +
                            " lettres, chiffres ou - _ . : / @, sans espace");
}

Result<void> check_secret(std::string_view field, std::string_view value, std::size_t max_bytes) {
  if (value.empty()) return invalid(field, "manquant");
  if (value.size() > max_bytes) {
    return invalid(field, "trop long (" + std::to_string(value.size()) + " octets, au plus " +
                              std::to_string(max_bytes) + ") ; la valeur n'est pas citée");
  }
  if (!is_valid_utf8(value)) return invalid(field, "texte qui n'est pas de l'UTF-8 valide ; la valeur n'est pas citée");
  return {};
}

Result<void> check_date(std::string_view field, std::string_view value) {
  const bool shaped = value.size() == 10 && value[4] == '-' && value[7] == '-' &&
                      all_of(value.substr(0, 4), is_digit) && all_of(value.substr(5, 2), is_digit) &&
                      all_of(value.substr(8, 2), is_digit);
  if (shaped) {
    const std::chrono::year_month_day date{std::chrono::year{std::stoi(std::string(value.substr(0, 4)))},
                                           std::chrono::month{static_cast<unsigned>(std::stoi(std::string(value.substr(5, 2))))},
                                           std::chrono::day{static_cast<unsigned>(std::stoi(std::string(value.substr(8, 2))))}};
    if (date.ok()) return {};
  }
  return invalid(field, "date " + wire::quoted(value, 12) + " invalide (AAAA-MM-JJ, une date du calendrier)");
}

Result<void> check_finite(std::string_view field, double value) {
  if (std::isfinite(value)) return {};
  return invalid(field, "nombre non fini (" + number(value) + ") refusé");
}

Result<void> check_point(std::string_view field, double lat, double lon) {
  if (!std::isfinite(lat) || !std::isfinite(lon)) {
    return invalid(field, "coordonnées non finies (" + number(lat) + ", " + number(lon) + ") refusées");
  }
  if (std::abs(lat) > 90 || std::abs(lon) > 180) {
    return invalid(field, "coordonnées (" + number(lat) + ", " + number(lon) +
                              ") hors limites (latitude -90 à 90, longitude -180 à 180)");
  }
  return {};
}

Result<void> check_count(std::string_view field, std::uint64_t value, std::uint64_t max) {
  if (value <= max) return {};
  return invalid(field, std::to_string(value) + ", " + std::to_string(max) + " au plus");
}

}  // namespace dispo::wire
