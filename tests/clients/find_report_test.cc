#include "find_report.h"

#include <gtest/gtest.h>

namespace dispo::cli {
namespace {

wire::SearchQueryT siblings(std::initializer_list<int> ages) {
  wire::SearchQueryT query;
  for (int age : ages) {
    auto child = std::make_unique<wire::ChildT>();
    child->age = static_cast<std::uint8_t>(age);
    child->sex = age % 2 ? wire::ChildSex::garcon : wire::ChildSex::fille;
    query.children.push_back(std::move(child));
  }
  return query;
}

std::unique_ptr<wire::PlacementT> placement(const std::string& unit, std::vector<std::uint8_t> children,
                                            std::uint16_t available, std::uint16_t installed) {
  auto p = std::make_unique<wire::PlacementT>();
  p->unit_id = unit;
  p->children = std::move(children);
  p->availability = std::make_unique<wire::AvailabilityT>();
  p->availability->available = available;
  p->availability->installed = installed;
  return p;
}

std::unique_ptr<wire::MatchT> match(const std::string& name, bool whole_group, std::int64_t age_s) {
  auto m = std::make_unique<wire::MatchT>();
  m->facility_id = "590000001";
  m->name = name;
  m->kind = wire::FacilityKind::foyer_urgence;
  m->departement = "59";
  m->commune_insee = "59350";
  m->phone = "03 20 12 34 56";
  m->whole_group = whole_group;
  m->age_s = age_s;
  return m;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(FindReportTest, WholeGroupMatchShowsUnitsChildrenAgeDistanceAndPhone) {
  auto query = siblings({7, 9});
  wire::SearchResultT result;
  result.whole_group_found = true;
  result.sequence = 42;
  auto m = match("Foyer de l'enfance de Lille", true, 12 * 60);
  m->distance_km = 4.25;
  m->placements.push_back(placement("u1", {0, 1}, 3, 12));
  result.matches.push_back(std::move(m));

  const std::string text = format_search_result(result, query);
  EXPECT_TRUE(contains(text, "fratrie de 2 enfants : enfant 1 (7 ans, garçon) et enfant 2 (9 ans, garçon)"))
      << text;
  EXPECT_TRUE(contains(text, "1. Foyer de l'enfance de Lille — n° 590000001 — foyer de l'enfance (urgence) — Lille (59) — à 4,2 km"))
      << text;
  EXPECT_TRUE(contains(text, "Unité « u1 » : 3 places disponibles sur 12 → enfant 1 (7 ans, garçon) et enfant 2 (9 ans, garçon)"))
      << text;
  EXPECT_TRUE(contains(text, "Fratrie accueillie ensemble.")) << text;
  EXPECT_TRUE(contains(text, "Mis à jour il y a 12 min.")) << text;
  EXPECT_TRUE(contains(text, "Tél. 24h/24 : 03 20 12 34 56")) << text;
  EXPECT_TRUE(contains(text, "séquence 42")) << text;
  EXPECT_FALSE(contains(text, "PÉRIMÉES")) << text;
}

TEST(FindReportTest, StaleMatchCarriesAVisibleWarning) {
  auto query = siblings({8});
  wire::SearchResultT result;
  result.whole_group_found = true;
  auto m = match("MECS Les Tilleuls", true, 3 * 86400);
  m->stale = true;
  m->placements.push_back(placement("u2", {0}, 1, 10));
  result.matches.push_back(std::move(m));
  const std::string text = format_search_result(result, query);
  EXPECT_TRUE(contains(text, "⚠ DONNÉES PÉRIMÉES : mis à jour il y a 3 j")) << text;
  EXPECT_FALSE(contains(text, "Fratrie")) << text;  // one child: no sibling wording
}

TEST(FindReportTest, NoWholeGroupSaysSoAndShowsTheSplitAndTheChildrenLeftOut) {
  auto query = siblings({4, 6, 15});
  wire::SearchResultT result;
  result.whole_group_found = false;
  auto first = match("Pouponnière du Nord", false, 120);
  first->placements.push_back(placement("p1", {0}, 1, 8));
  auto second = match("MECS Jean Moulin", false, 300);
  second->placements.push_back(placement("m1", {1}, 2, 14));
  result.split.push_back(std::move(first));
  result.split.push_back(std::move(second));

  const std::string text = format_search_result(result, query);
  EXPECT_TRUE(contains(text, "Aucun établissement ne peut accueillir les 3 enfants ensemble.")) << text;
  EXPECT_TRUE(contains(text, "Répartition proposée entre 2 établissements")) << text;
  EXPECT_TRUE(contains(text, "1. Pouponnière du Nord")) << text;
  EXPECT_TRUE(contains(text, "→ enfant 2 (6 ans, fille)")) << text;
  EXPECT_TRUE(contains(text, "Sans aucune place proposée : enfant 3 (15 ans, garçon).")) << text;
}

TEST(FindReportTest, SplitFacilitiesAreNotListedTwice) {
  auto query = siblings({4, 6});
  wire::SearchResultT result;
  auto in_split = match("Pouponnière du Nord", false, 120);
  in_split->placements.push_back(placement("p1", {0}, 1, 8));
  result.split.push_back(std::make_unique<wire::MatchT>(*in_split));
  result.matches.push_back(std::move(in_split));
  auto other = match("MECS Jean Moulin", false, 300);
  other->facility_id = "590000002";
  other->placements.push_back(placement("m1", {1}, 2, 14));
  result.matches.push_back(std::move(other));

  const std::string text = format_search_result(result, query);
  EXPECT_EQ(text.find("Pouponnière du Nord"), text.rfind("Pouponnière du Nord")) << text;
  EXPECT_TRUE(contains(text, "Autres établissements accueillant une partie de la fratrie :\n\n1. MECS Jean Moulin"))
      << text;
}

TEST(FindReportTest, NothingFoundMentionsStalePlacesLeftOut) {
  auto query = siblings({10});
  wire::SearchResultT result;
  result.stale_excluded = 2;
  const std::string text = format_search_result(result, query);
  EXPECT_TRUE(contains(text, "Aucune place disponible ne correspond à cette recherche.")) << text;
  EXPECT_TRUE(contains(text, "2 places correspondantes écartées")) << text;
  EXPECT_TRUE(contains(text, "--include-stale")) << text;
}

TEST(FindReportTest, NothingFoundWithoutStalePlacesHasNoHint) {
  wire::SearchResultT result;
  const std::string text = format_search_result(result, siblings({10}));
  EXPECT_TRUE(contains(text, "Aucune place disponible")) << text;
  EXPECT_FALSE(contains(text, "--include-stale")) << text;
}

TEST(FindReportTest, ADepartementWithoutAnyRegisteredFacilitySaysSoInsteadOfNoPlace) {
  auto query = siblings({10});
  query.departement = "99";
  wire::SearchResultT result;
  result.facilities_in_territory = 0;
  const std::string text = format_search_result(result, query);
  EXPECT_TRUE(contains(text, "Aucun établissement n'est enregistré dans le département « 99 »")) << text;
  EXPECT_FALSE(contains(text, "Aucune place")) << text;
  result.facilities_in_territory = 12;  // registered, but nothing free: the usual answer
  EXPECT_TRUE(contains(format_search_result(result, query), "Aucune place disponible")) << text;
  result.facilities_in_territory = -1;  // an older broker does not say
  EXPECT_TRUE(contains(format_search_result(result, query), "Aucune place disponible")) << text;
}

TEST(FindReportTest, MissingPhoneIsSaid) {
  wire::SearchResultT result;
  result.whole_group_found = true;
  auto m = match("Lieu de vie", true, 0);
  m->phone.clear();
  result.matches.push_back(std::move(m));
  EXPECT_TRUE(contains(format_search_result(result, {}), "Tél. 24h/24 : non renseigné"));
}

// Issue 10: the id `dispo hold` needs is on each result, with the unit's name and the address.
TEST(FindReportTest, EachResultShowsTheFacilityIdTheUnitNameTheTownAndTheAddress) {
  auto query = siblings({4});
  wire::SearchResultT result;
  result.whole_group_found = true;
  auto m = match("MECS Les Tilleuls", true, 60);
  m->facility_id = "590001234";
  m->address = "12 rue des Tilleuls 59000 Lille";
  m->placements.push_back(placement("u2", {0}, 2, 12));
  m->placements.back()->unit_name = "Les Lucioles";
  m->placements.push_back(placement("u3", {}, 1, 10));
  result.matches.push_back(std::move(m));

  const std::string text = format_search_result(result, query);
  EXPECT_TRUE(contains(text, "1. MECS Les Tilleuls — n° 590001234 — foyer de l'enfance (urgence) — Lille (59)")) << text;
  EXPECT_TRUE(contains(text, "   Adresse : 12 rue des Tilleuls 59000 Lille\n")) << text;
  EXPECT_TRUE(contains(text, "   Unité « Les Lucioles » (u2) : 2 places disponibles sur 12 → enfant 1 (4 ans, fille)"))
      << text;
  EXPECT_TRUE(contains(text, "   Unité « u3 » : 1 place disponible sur 10")) << text;
  EXPECT_FALSE(contains(text, "59350")) << "the town by its name, not its INSEE code\n" << text;
}

// Issue 10: the report repeats every criterion applied, each child's own needs included.
TEST(FindReportTest, RepeatsTheCriteriaAppliedWithEachChildsNeeds) {
  auto query = siblings({4, 7, 10});
  query.children[1]->needs = {wire::Specialty::soins_psy, wire::Specialty::handicap};
  query.needs = {wire::Specialty::nourrisson};
  query.departement = "59";
  query.near_lat = 50.6309;
  query.near_lon = 3.0468;
  query.max_km = 40;
  query.kinds = {wire::FacilityKind::mecs, wire::FacilityKind::lieu_de_vie};
  query.emergency_only = true;
  query.limit = 5;
  const std::string text = format_search_result(wire::SearchResultT{}, query);
  EXPECT_TRUE(contains(text, "Critères appliqués :\n")) << text;
  EXPECT_TRUE(contains(text, "  - enfant 1 (4 ans, fille) : pas de besoin propre\n")) << text;
  EXPECT_TRUE(contains(text, "  - enfant 2 (7 ans, garçon) : besoins propres : soins psychiques et handicap (orientation MDPH)\n"))
      << text;
  EXPECT_TRUE(contains(text, "  - enfant 3 (10 ans, fille) : pas de besoin propre\n")) << text;
  EXPECT_TRUE(contains(text, "  - besoins pour toute unité proposée : nourrissons\n")) << text;
  EXPECT_TRUE(contains(text, "  - lieu : département 59, à 40,0 km au plus de Lille (59) · point 50,6309 ; 3,0468\n"))
      << text;
  EXPECT_TRUE(contains(text, "  - types d'établissement : MECS et lieu de vie\n")) << text;
  EXPECT_TRUE(contains(text, "  - accueil d'urgence (24 h) : exigé\n")) << text;
  EXPECT_TRUE(contains(text, "  - données périmées : écartées\n")) << text;
  EXPECT_TRUE(contains(text, "  - 5 résultats au plus\n")) << text;
}

TEST(FindReportTest, CriteriaOfAnOpenSearchSayWhatWasNotAsked) {
  wire::SearchQueryT query;
  query.include_stale = true;
  const std::string text = format_search_result(wire::SearchResultT{}, query);
  EXPECT_TRUE(contains(text, "  - besoins pour toute unité proposée : aucun\n")) << text;
  EXPECT_TRUE(contains(text, "  - lieu : tous départements\n")) << text;
  EXPECT_TRUE(contains(text, "  - types d'établissement : tous\n")) << text;
  EXPECT_TRUE(contains(text, "  - accueil d'urgence (24 h) : non exigé\n")) << text;
  EXPECT_TRUE(contains(text, "  - données périmées : incluses")) << text;
  EXPECT_TRUE(contains(text, "  - 20 résultats au plus\n")) << text;
}

}  // namespace
}  // namespace dispo::cli
