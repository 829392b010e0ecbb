#include "find_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "dispo/clients/communes.h"
#include "dispo/schemas/names.h"
#include "dispo/schemas/text_rules.h"

namespace dispo::cli {
namespace {

Error invalid(std::string message) { return make_error(wire::Status::invalid, std::move(message)); }

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::optional<double> parse_double(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;  // "nan", "inf": no point on Earth
  return value;
}

Result<void> add_children(const FindArguments& arguments, wire::SearchQueryT& query) {
  if (arguments.ages.size() > static_cast<std::size_t>(kMaxChildren)) {
    return invalid("--age : au plus " + std::to_string(kMaxChildren) + " enfants par recherche");
  }
  for (int age : arguments.ages) {
    if (age < 0 || age > 21) {
      return invalid("--age : âge invalide (" + std::to_string(age) + "), attendu de 0 à 21 ans");
    }
  }
  const auto& sexes = arguments.sexes;
  if (!sexes.empty() && arguments.ages.empty()) return invalid("--sex demande au moins un --age");
  if (sexes.size() > 1 && sexes.size() != arguments.ages.size()) {
    return invalid("--sex : donner un seul sexe pour tous les enfants ou un par --age (" +
                   std::to_string(arguments.ages.size()) + " âges, " + std::to_string(sexes.size()) +
                   " sexes)");
  }
  for (std::size_t i = 0; i < arguments.ages.size(); ++i) {
    auto child = std::make_unique<wire::ChildT>();
    child->age = static_cast<std::uint8_t>(arguments.ages[i]);
    if (!sexes.empty()) {
      const std::string& text = sexes.size() == 1 ? sexes[0] : sexes[i];
      const auto sex = parse_child_sex(text);
      if (!sex) return invalid("--sex : valeur inconnue « " + text + " » (fille ou garcon ; f, g ou m ; x si non précisé)");
      child->sex = *sex;
    }
    query.children.push_back(std::move(child));
  }
  return {};
}

Result<void> add_needs_and_kinds(const FindArguments& arguments, wire::SearchQueryT& query) {
  // "soins_psy": every unit used must offer it; "2:soins_psy": only the unit taking the 2nd child.
  for (const auto& given : arguments.needs) {
    std::string name = given;
    std::vector<wire::Specialty>* needs = &query.needs;
    if (const auto colon = given.find(':'); colon != std::string::npos) {
      const std::string number = given.substr(0, colon);
      const bool digits = !number.empty() && number.size() <= 2 &&
                          std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); });
      const int child = digits ? std::stoi(number) : 0;
      if (child < 1 || static_cast<std::size_t>(child) > query.children.size()) {
        return invalid("--need « " + given + " » : « N:besoin » désigne le N-ième --age, de 1 à " +
                       std::to_string(query.children.size()));
      }
      needs = &query.children[child - 1]->needs;
      name = given.substr(colon + 1);
    }
    const auto specialty = wire::specialty_from_name(lower(name));
    if (!specialty) {
      return invalid("--need : spécialité inconnue « " + name + " » ; valeurs possibles : " +
                     wire::specialty_names());
    }
    if (std::find(needs->begin(), needs->end(), *specialty) == needs->end()) needs->push_back(*specialty);
  }
  for (const auto& name : arguments.kinds) {
    const auto kind = wire::facility_kind_from_name(lower(name));
    if (!kind) {
      return invalid("--kind : type d'établissement inconnu « " + name + " » ; valeurs possibles : " +
                     wire::facility_kind_names());
    }
    if (std::find(query.kinds.begin(), query.kinds.end(), *kind) == query.kinds.end()) {
      query.kinds.push_back(*kind);
    }
  }
  return {};
}

Result<void> add_place(const FindArguments& arguments, wire::SearchQueryT& query) {
  if (!arguments.departement.empty()) {
    auto departement = parse_departement(arguments.departement);
    if (!departement) return departement.error();
    query.departement = *departement;
  }
  if (!arguments.near.empty()) {
    auto point = parse_near(arguments.near, query.departement);
    if (!point) return point.error();
    query.near_lat = point->lat;
    query.near_lon = point->lon;
  }
  if (arguments.max_km) {
    if (arguments.near.empty()) return invalid("--max-km demande --near (une commune ou LAT,LON)");
    if (!(*arguments.max_km > 0) || !std::isfinite(*arguments.max_km)) {
      return invalid("--max-km : distance positive attendue, en km");
    }
    query.max_km = *arguments.max_km;
  }
  return {};
}

}  // namespace

Result<NearPoint> parse_near(const std::string& text, const std::string& departement) {
  const auto comma = text.find(',');
  const auto lat = comma == std::string::npos ? std::nullopt : parse_double(text.substr(0, comma));
  const auto lon = comma == std::string::npos ? std::nullopt : parse_double(text.substr(comma + 1));
  if (lat && lon) {
    if (*lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) {
      return invalid("--near : coordonnées hors limites (latitude -90 à 90, longitude -180 à 180)");
    }
    return NearPoint{*lat, *lon, nullptr};
  }
  if (comma != std::string::npos) {
    return invalid("--near attend une commune (nom, code postal, code INSEE) ou LAT,LON en degrés décimaux "
                   "avec un point (ex. 50.63,3.06), pas « " + text + " »");
  }
  auto commune = client::resolve_commune(client::Communes::national(), text, departement);
  if (!commune) return invalid("--near : " + commune.error().message);
  return NearPoint{(*commune)->lat, (*commune)->lon, *commune};
}

Result<std::string> parse_departement(const std::string& text) {
  const std::string departement = upper(text);
  if (!wire::is_departement(departement)) {  // the broker's rule (text_rules.h)
    return invalid("--dept : département invalide « " + text + " » (01 à 95, 2A, 2B, 971 à 976)");
  }
  return departement;
}

std::optional<wire::ChildSex> parse_child_sex(const std::string& text) {
  const std::string value = lower(text);
  if (value == "fille" || value == "f" || value == "filles") return wire::ChildSex::fille;
  if (value == "garcon" || value == "garçon" || value == "g" || value == "m" || value == "garcons" ||
      value == "garçons") {
    return wire::ChildSex::garcon;
  }
  if (value == "x" || value == "non_precise") return wire::ChildSex::non_precise;
  return std::nullopt;
}

Result<wire::SearchQueryT> build_search_query(const FindArguments& arguments) {
  wire::SearchQueryT query;
  if (auto done = add_children(arguments, query); !done) return done.error();
  if (auto done = add_needs_and_kinds(arguments, query); !done) return done.error();
  if (auto done = add_place(arguments, query); !done) return done.error();
  if (arguments.limit) {
    if (*arguments.limit < 1 || *arguments.limit > kMaxLimit) {
      return invalid("--limit : de 1 à " + std::to_string(kMaxLimit));
    }
    query.limit = static_cast<std::uint16_t>(*arguments.limit);
  }
  query.emergency_only = arguments.emergency;
  query.include_stale = arguments.include_stale;
  return query;
}

}  // namespace dispo::cli
