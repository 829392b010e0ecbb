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
  EXPECT_TRUE(contains(text, "1. Foyer de l'enfance de Lille — foyer de l'enfance (urgence) — commune 59350 (59) — à 4,2 km"))
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

TEST(FindReportTest, MissingPhoneIsSaid) {
  wire::SearchResultT result;
  result.whole_group_found = true;
  auto m = match("Lieu de vie", true, 0);
  m->phone.clear();
  result.matches.push_back(std::move(m));
  EXPECT_TRUE(contains(format_search_result(result, {}), "Tél. 24h/24 : non renseigné"));
}

}  // namespace
}  // namespace dispo::cli
