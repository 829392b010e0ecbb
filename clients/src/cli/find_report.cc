#include "find_report.h"

#include <set>
#include <sstream>

#include "dispo/clients/communes.h"
#include "french.h"

namespace dispo::cli {
namespace {

std::string join_french(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " et " : ", ";
    out += parts[i];
  }
  return out;
}

std::string children_of(const wire::PlacementT& placement, const wire::SearchQueryT& query) {
  std::vector<std::string> parts;
  for (std::uint8_t index : placement.children) parts.push_back(describe_child(query, index));
  return join_french(parts);
}

std::string needs_text(const std::vector<wire::Specialty>& needs) {
  std::vector<std::string> labels;
  for (auto need : needs) labels.push_back(specialty_label(need));
  return join_french(labels);
}

std::string header(const wire::SearchQueryT& query) {
  if (query.children.empty()) return "Recherche : toute place disponible.";
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < query.children.size(); ++i) parts.push_back(describe_child(query, i));
  if (query.children.size() == 1) return "Recherche pour 1 enfant : " + parts[0] + ".";
  return "Recherche pour une fratrie de " + std::to_string(query.children.size()) +
         " enfants : " + join_french(parts) + ".";
}

// "Lille (59)" for a match's commune.
std::string town(const std::string& commune_insee, const std::string& departement) {
  return town_name(commune_insee) + " (" + departement + ")";
}

// Every criterion the search applied, so that the person reads what was (and was not) asked.
std::string criteria(const wire::SearchQueryT& query) {
  std::ostringstream out;
  out << "Critères appliqués :\n";
  for (std::size_t i = 0; i < query.children.size(); ++i) {
    const auto& child = query.children[i];
    out << "  - " << describe_child(query, i) << " : "
        << (child && !child->needs.empty() ? "besoins propres : " + needs_text(child->needs) : "pas de besoin propre")
        << "\n";
  }
  out << "  - besoins pour toute unité proposée : " << (query.needs.empty() ? "aucun" : needs_text(query.needs)) << "\n";
  out << "  - lieu : " << (query.departement.empty() ? "tous départements" : "département " + query.departement);
  if (query.near_lat && query.near_lon) {
    out << (query.max_km ? ", à " + decimal(*query.max_km, 1) + " km au plus de " : ", au plus près de ")
        << near_place(*query.near_lat, *query.near_lon);
  }
  out << "\n";
  std::vector<std::string> kinds;
  for (auto kind : query.kinds) kinds.push_back(kind_label(kind));
  out << "  - types d'établissement : " << (kinds.empty() ? "tous" : join_french(kinds)) << "\n";
  out << "  - accueil d'urgence (24 h) : " << (query.emergency_only ? "exigé" : "non exigé") << "\n";
  out << "  - données périmées : "
      << (query.include_stale ? "incluses (à confirmer par téléphone)" : "écartées")
      << "\n";
  out << "  - " << query.limit << " résultats au plus\n";
  return out.str();
}

void print_unit(std::ostream& out, const wire::PlacementT& placement, const wire::SearchQueryT& query) {
  out << "   Unité " << unit_label(placement.unit_id, placement.unit_name) << " : ";
  if (placement.availability) {
    out << count_of(placement.availability->available, "place disponible", "places disponibles") << " sur "
        << placement.availability->installed;
  } else {
    out << "disponibilité inconnue";
  }
  if (!placement.children.empty()) out << " → " << children_of(placement, query);
  out << "\n";
}

void print_match(std::ostream& out, const std::string& rank, const wire::MatchT& match,
                 const wire::SearchQueryT& query, bool show_group) {
  out << rank << ". " << (match.name.empty() ? match.facility_id : match.name) << " — n° " << match.facility_id
      << " — " << kind_label(match.kind) << " — " << town(match.commune_insee, match.departement);
  if (match.distance_km.has_value()) out << " — à " << decimal(*match.distance_km, 1) << " km";
  out << "\n";
  if (!match.address.empty()) out << "   Adresse : " << match.address << "\n";
  for (const auto& placement : match.placements) {
    if (placement) print_unit(out, *placement, query);
  }
  if (show_group && query.children.size() > 1) {
    if (match.whole_group) {
      out << "   Fratrie accueillie ensemble"
          << (match.placements.size() > 1 ? " (même établissement, " +
                                                 std::to_string(match.placements.size()) + " unités)"
                                           : std::string())
          << ".\n";
    } else {
      out << "   Fratrie NON accueillie ensemble ici.\n";
    }
  }
  if (match.stale) {
    out << "   ⚠ DONNÉES PÉRIMÉES : mis à jour " << since(match.age_s)
        << " — place à confirmer par téléphone.\n";
  } else {
    out << "   Mis à jour " << since(match.age_s) << ".\n";
  }
  out << "   Tél. 24h/24 : " << (match.phone.empty() ? "non renseigné" : match.phone) << "\n";
}

void print_stale_note(std::ostream& out, std::uint32_t stale_excluded, bool nothing_found) {
  if (stale_excluded == 0) return;
  out << (nothing_found ? "" : "\nNote : ")
      << count_of(stale_excluded, "place correspondante écartée", "places correspondantes écartées")
      << " car non confirmée" << (stale_excluded > 1 ? "s" : "")
      << " récemment (données périmées) ; relancer avec --include-stale pour "
      << (stale_excluded > 1 ? "les" : "la") << " voir.\n";
}

void print_split(std::ostream& out, const wire::SearchResultT& result, const wire::SearchQueryT& query) {
  out << "Aucun établissement ne peut accueillir les " << query.children.size()
      << " enfants ensemble.\n";
  std::set<std::uint8_t> placed;
  for (const auto& match : result.split) {
    for (const auto& placement : match->placements) {
      if (placement) placed.insert(placement->children.begin(), placement->children.end());
    }
  }
  if (!result.split.empty()) {
    out << "Répartition proposée entre " << count_of(result.split.size(), "établissement", "établissements")
        << " :\n\n";
    for (std::size_t i = 0; i < result.split.size(); ++i) {
      print_match(out, std::to_string(i + 1), *result.split[i], query, false);
      out << "\n";
    }
  }
  std::vector<std::string> homeless;
  for (std::size_t i = 0; i < query.children.size(); ++i) {
    if (!placed.count(static_cast<std::uint8_t>(i))) homeless.push_back(describe_child(query, i));
  }
  if (!homeless.empty()) out << "Sans aucune place proposée : " << join_french(homeless) << ".\n";
}

}  // namespace

std::string describe_child(const wire::SearchQueryT& query, std::size_t index) {
  std::string text = "enfant " + std::to_string(index + 1);
  if (index >= query.children.size() || !query.children[index]) return text;
  const auto& child = *query.children[index];
  text += " (" + years(child.age);
  const std::string sex = child_sex_label(child.sex);
  if (!sex.empty()) text += ", " + sex;
  return text + ")";
}

std::string format_search_result(const wire::SearchResultT& result, const wire::SearchQueryT& query) {
  std::ostringstream out;
  out << header(query) << "\n" << criteria(query) << "\n";
  const bool group = query.children.size() > 1;
  const bool nothing = result.matches.empty() && result.split.empty();
  if (nothing && result.facilities_in_territory == 0) {
    out << (query.departement.empty()
                ? std::string("Aucun établissement n'est enregistré dans votre territoire : rien à chercher.\n")
                : "Aucun établissement n'est enregistré dans le département « " + query.departement +
                      " » : vérifiez le numéro (ex. 59, 2A, 974), ou ce département n'utilise pas encore dispo.\n");
  } else if (nothing) {
    out << "Aucune place disponible ne correspond à cette recherche.\n";
    print_stale_note(out, result.stale_excluded, true);
  } else {
    std::vector<const wire::MatchT*> shown;
    std::set<std::string> in_split;
    for (const auto& match : result.split) in_split.insert(match->facility_id);
    for (const auto& match : result.matches) {
      if (!in_split.count(match->facility_id)) shown.push_back(match.get());
    }
    if (group && !result.whole_group_found) {
      print_split(out, result, query);
      if (!shown.empty()) out << "\nAutres établissements accueillant une partie de la fratrie :\n\n";
    } else if (group) {
      out << "Résultats, en tête ceux qui accueillent toute la fratrie ensemble :\n\n";
    } else {
      out << count_of(shown.size(), "établissement propose", "établissements proposent") << " une place :\n\n";
    }
    for (std::size_t i = 0; i < shown.size(); ++i) {
      print_match(out, std::to_string(i + 1), *shown[i], query, true);
      if (i + 1 < shown.size()) out << "\n";
    }
    print_stale_note(out, result.stale_excluded, false);
  }
  out << "\n(état du broker à la séquence " << result.sequence << ")\n";
  return out.str();
}

}  // namespace dispo::cli
