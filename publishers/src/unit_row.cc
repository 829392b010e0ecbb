#include "unit_row.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "dispo/schemas/calendar.h"
#include "dispo/schemas/names.h"
#include "dispo/schemas/placement_law.h"
#include "dispo/schemas/printable.h"
#include "dispo/schemas/text_rules.h"

namespace dispo::publishers {
namespace {

constexpr std::string_view kLaw = wire::kPlacementLaw;
constexpr int kMaxAge = wire::kMaxChildAge;
constexpr int kMaxInstalled = wire::kMaxInstalledPlaces;
constexpr int kMaxSiblings = wire::kMaxSiblingGroup;
// Any column: a person's spreadsheet cell, not a text to store.
constexpr std::size_t kMaxCellChars = 500;

std::string in_guillemets(std::string_view text) { return wire::quoted(text); }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Accepts a decimal point or, as French spreadsheets write it, a decimal comma.
std::optional<double> parse_decimal(std::string_view text) {
  std::string copy(text);
  if (copy.find('.') == std::string::npos) std::replace(copy.begin(), copy.end(), ',', '.');
  if (copy.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

// Collects the problems of one row; each check reads one column.
class RowChecker {
 public:
  RowChecker(const UnitRowText& row, std::chrono::year_month_day today, std::vector<std::string>& problems)
      : row_(row), today_(today), problems_(problems) {}

  std::optional<UnitRow> run() {
    const std::size_t before = problems_.size();
    // The contract's text rules first (wire/text_rules.h): the other checks then cite clean text.
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      const std::size_t max = static_cast<Column>(c) == Column::name ? wire::kMaxNameChars : kMaxCellChars;
      if (auto text = wire::check_text(kFacilityCsvColumns[c], row_.values[c], max); !text) {
        problem(text.error().message);
      }
    }
    if (problems_.size() != before) return std::nullopt;
    facility_columns();
    unit_columns();
    if (problems_.size() != before) return std::nullopt;
    return std::move(out_);
  }

 private:
  const std::string& at(Column c) const { return row_[c]; }
  void problem(std::string message) { problems_.push_back(std::move(message)); }
  // Records a refusal of the contract's rules; true when there was none.
  bool check(const Result<void>& checked) {
    if (!checked) problem(checked.error().message);
    return checked.ok();
  }

  void facility_columns() {
    auto& f = out_.facility;
    check(wire::check_facility_id("facility_id", at(Column::facility_id)));
    f.id = at(Column::facility_id);
    check(wire::check_text("name", at(Column::name), wire::kMaxNameChars, /*required=*/true));
    f.name = at(Column::name);
    if (auto kind = wire::facility_kind_from_name(lower(at(Column::kind)))) {
      f.kind = *kind;
    } else {
      problem("kind " + in_guillemets(at(Column::kind)) + " inconnu (attendu : " + wire::facility_kind_names() + ")");
    }
    place_columns();
    phone_column();
    authorisation_column();
    f.address = optional_text(Column::address, "l'adresse postale");
  }

  std::string optional_text(Column c, std::string_view what) {
    const std::string& text = at(c);
    if (text.size() > 200) {
      problem(std::string(kFacilityCsvColumns[static_cast<std::size_t>(c)]) + " : " + std::string(what) +
              " dépasse 200 caractères");
    }
    return text;
  }

  void place_columns() {
    auto& f = out_.facility;
    const std::string& dept = at(Column::departement);
    check(wire::check_departement("departement", dept));
    f.departement = dept;
    const std::string& insee = at(Column::commune_insee);
    const std::size_t prefix = dept.size() == 3 ? 3 : 2;
    if (check(wire::check_commune_insee("commune_insee", insee)) && wire::is_departement(dept) &&
        insee.compare(0, prefix, dept) != 0) {
      problem("commune_insee " + in_guillemets(insee) + " n'est pas une commune du département " + dept);
    }
    f.commune_insee = insee;
    coordinate(Column::lat, -90, 90, f.lat);
    coordinate(Column::lon, -180, 180, f.lon);
  }

  void coordinate(Column c, double low, double high, double& out) {
    const auto value = parse_decimal(at(c));
    const std::string name(kFacilityCsvColumns[static_cast<std::size_t>(c)]);
    if (!value || !std::isfinite(*value) || *value < low || *value > high) {
      char range[64];
      std::snprintf(range, sizeof range, "nombre entre %g et %g", low, high);
      problem(name + " " + in_guillemets(at(c)) + " invalide (" + range + ")");
      return;
    }
    out = *value;
  }

  void phone_column() {
    check(wire::check_phone("phone", at(Column::phone)));
    out_.facility.phone = at(Column::phone);
  }

  void authorisation_column() {
    auto& f = out_.facility;
    const std::string value = lower(at(Column::authorisation));
    if (value == "autorise") {
      f.authorisation = wire::Authorisation::autorise;
      return;
    }
    const std::string_view prefix = "derogatoire";
    if (value.rfind(prefix, 0) == 0) return derogation(value.substr(prefix.size()));
    if (value == "hotel" || value == "gite" || value == "location" || value == "non_autorise") {
      problem("authorisation " + in_guillemets(at(Column::authorisation)) + " refusée : " + std::string(kLaw));
    } else {
      problem("authorisation " + in_guillemets(at(Column::authorisation)) +
              " refusée : attendu autorise ou derogatoire:AAAA-MM-JJ (" + std::string(kLaw) + ")");
    }
  }

  void derogation(std::string_view rest) {
    auto& f = out_.facility;
    const auto date = rest.size() > 1 && rest[0] == ':' ? wire::parse_iso_date(rest.substr(1)) : std::nullopt;
    if (!date) {
      problem("authorisation " + in_guillemets(at(Column::authorisation)) +
              " : date de fin de dérogation attendue, au format derogatoire:AAAA-MM-JJ");
      return;
    }
    const std::string limit = wire::derogation_limit(wire::format_iso_date(today_));
    if (std::chrono::sys_days{*date} < std::chrono::sys_days{today_}) {
      problem("dérogation expirée le " + wire::format_iso_date(*date) + " : la place ne peut plus être enregistrée (" +
              std::string(kLaw) + ")");
    } else if (wire::format_iso_date(*date) > limit) {
      problem("dérogation jusqu'au " + wire::format_iso_date(*date) + " : au plus deux mois, soit le " +
              limit + " au plus tard (CASF L.221-2-3)");
    }
    f.authorisation = wire::Authorisation::derogatoire;
    f.derogation_end = wire::format_iso_date(*date);
  }

  void unit_columns() {
    auto& u = out_.unit;
    check(wire::check_unit_id("unit_id", at(Column::unit_id)));
    u.id = at(Column::unit_id);
    u.name = optional_text(Column::unit_name, "le nom de l'unité");
    const auto age_min = bounded(Column::age_min, 0, kMaxAge, "âge en années");
    const auto age_max = bounded(Column::age_max, 0, kMaxAge, "âge en années");
    if (age_min && age_max && *age_min > *age_max) {
      problem("age_min (" + at(Column::age_min) + ") supérieur à age_max (" + at(Column::age_max) + ")");
    }
    u.age_min = static_cast<std::uint8_t>(age_min.value_or(0));
    u.age_max = static_cast<std::uint8_t>(age_max.value_or(0));
    std::string sex = lower(at(Column::sex));
    if (sex == "garçons") sex = "garcons";
    if (auto value = wire::unit_sex_from_name(sex)) {
      u.sex = *value;
    } else {
      problem("sex " + in_guillemets(at(Column::sex)) + " inconnu (attendu : " + wire::unit_sex_names() + ")");
    }
    capacity_columns();
    specialties_column();
    const std::string emergency = lower(at(Column::emergency));
    if (emergency != "oui" && emergency != "non") {
      problem("emergency " + in_guillemets(at(Column::emergency)) + " : attendu oui ou non");
    }
    u.emergency = emergency == "oui";
  }

  void capacity_columns() {
    auto& u = out_.unit;
    const auto installed = bounded(Column::installed, 1, kMaxInstalled, "places installées");
    const auto siblings = bounded(Column::max_siblings, 1, kMaxSiblings, "enfants d'une fratrie accueillis ensemble");
    if (installed && siblings && *siblings > *installed) {
      problem("max_siblings (" + at(Column::max_siblings) + ") dépasse les places installées (" +
              at(Column::installed) + ")");
    }
    u.installed = static_cast<std::uint16_t>(installed.value_or(1));
    u.max_siblings = static_cast<std::uint8_t>(siblings.value_or(1));
  }

  void specialties_column() {
    std::set<wire::Specialty> seen;
    std::string_view rest = at(Column::specialties);
    while (!rest.empty()) {
      const auto end = rest.find(';');
      std::string name = lower(rest.substr(0, end));
      name.erase(0, name.find_first_not_of(" \t"));
      name.erase(name.find_last_not_of(" \t") + 1);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      if (name.empty()) continue;
      auto value = wire::specialty_from_name(name);
      if (!value) {
        problem("specialties : " + in_guillemets(name) + " inconnue (attendu, séparées par « ; » : " +
                wire::specialty_names() + ")");
      } else if (seen.insert(*value).second) {
        out_.unit.specialties.push_back(*value);
      }
    }
  }

  std::optional<int> bounded(Column c, int low, int high, std::string_view meaning) {
    const auto value = parse_int(at(c));
    if (!value || !std::isfinite(*value) || *value < low || *value > high) {
      problem(std::string(kFacilityCsvColumns[static_cast<std::size_t>(c)]) + " " + in_guillemets(at(c)) +
              " invalide (" + std::string(meaning) + ", entier de " + std::to_string(low) + " à " +
              std::to_string(high) + ")");
      return std::nullopt;
    }
    return value;
  }

  const UnitRowText& row_;
  std::chrono::year_month_day today_;
  std::vector<std::string>& problems_;
  UnitRow out_;
};

}  // namespace

std::optional<UnitRow> parse_unit_row(const UnitRowText& row, std::chrono::year_month_day today,
                                      std::vector<std::string>& problems) {
  return RowChecker(row, today, problems).run();
}

bool same_facility_value(Column c, std::string_view a, std::string_view b) {
  if (a == b) return true;
  switch (c) {
    case Column::lat:
    case Column::lon: {
      const auto x = parse_decimal(a), y = parse_decimal(b);
      return x && y && *x == *y;
    }
    case Column::kind:
    case Column::authorisation:
      return lower(a) == lower(b);
    default:
      return false;
  }
}

}  // namespace dispo::publishers
