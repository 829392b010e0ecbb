#include "find_query.h"

#include <gtest/gtest.h>

namespace dispo::cli {
namespace {

std::string error_of(const FindArguments& arguments) {
  auto query = build_search_query(arguments);
  return query.ok() ? std::string() : query.error().message;
}

TEST(FindQueryTest, BuildsASiblingGroupQuery) {
  FindArguments a;
  a.ages = {7, 9, 15};
  a.sexes = {"f", "garçon", "M"};
  a.needs = {"soins_psy", "soins_psy"};
  a.kinds = {"mecs", "foyer_urgence"};
  a.departement = "2a";
  a.near = "50.63, 3.06";
  a.max_km = 30;
  a.emergency = true;
  a.limit = 5;
  auto query = build_search_query(a);
  ASSERT_TRUE(query.ok()) << query.error().message;
  ASSERT_EQ(query->children.size(), 3u);
  EXPECT_EQ(query->children[0]->age, 7);
  EXPECT_EQ(query->children[0]->sex, wire::ChildSex::fille);
  EXPECT_EQ(query->children[1]->sex, wire::ChildSex::garcon);
  EXPECT_EQ(query->children[2]->sex, wire::ChildSex::garcon);
  EXPECT_EQ(query->needs, std::vector<wire::Specialty>{wire::Specialty::soins_psy});
  EXPECT_EQ(query->kinds.size(), 2u);
  EXPECT_EQ(query->departement, "2A");
  ASSERT_TRUE(query->near_lat.has_value());
  EXPECT_DOUBLE_EQ(*query->near_lat, 50.63);
  EXPECT_DOUBLE_EQ(*query->near_lon, 3.06);
  EXPECT_DOUBLE_EQ(*query->max_km, 30);
  EXPECT_TRUE(query->emergency_only);
  EXPECT_FALSE(query->include_stale);
  EXPECT_EQ(query->limit, 5);
}

TEST(FindQueryTest, OneSexAppliesToEveryChild) {
  FindArguments a;
  a.ages = {3, 5};
  a.sexes = {"fille"};
  auto query = build_search_query(a);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->children[1]->sex, wire::ChildSex::fille);
}

TEST(FindQueryTest, OneSexPerChildMayLeaveOneUnsaid) {
  FindArguments a;
  a.ages = {4, 7, 10};
  a.sexes = {"x", "garcon", "non_precise"};
  auto query = build_search_query(a);
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_EQ(query->children[0]->sex, wire::ChildSex::non_precise);
  EXPECT_EQ(query->children[1]->sex, wire::ChildSex::garcon);
  EXPECT_EQ(query->children[2]->sex, wire::ChildSex::non_precise);
  a.sexes = {"y", "g", "f"};
  EXPECT_NE(error_of(a).find("« y »"), std::string::npos) << error_of(a);
}

TEST(FindQueryTest, NoArgumentsMeansAnyFreePlace) {
  auto query = build_search_query({});
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query->children.empty());
  EXPECT_FALSE(query->near_lat.has_value());
  EXPECT_EQ(query->limit, 20);
}

TEST(FindQueryTest, RejectsAgesOutsideZeroToTwentyOne) {
  FindArguments a;
  a.ages = {22};
  EXPECT_NE(error_of(a).find("0 à 21"), std::string::npos);
  a.ages = {-1};
  EXPECT_NE(error_of(a).find("--age"), std::string::npos);
  a.ages = {0, 21};
  EXPECT_EQ(error_of(a), "");
}

TEST(FindQueryTest, UnknownSpecialtyListsTheValidOnes) {
  FindArguments a;
  a.needs = {"psy"};
  const std::string error = error_of(a);
  EXPECT_NE(error.find("« psy »"), std::string::npos);
  EXPECT_NE(error.find("handicap, soins_psy, nourrisson, mere_enfant, mna, ado_difficulte"), std::string::npos);
}

TEST(FindQueryTest, ANeedForOneChildOfTheGroup) {
  FindArguments a;
  a.ages = {4, 9};
  a.needs = {"handicap", "2:soins_psy"};
  auto query = build_search_query(a);
  ASSERT_TRUE(query) << query.error().message;
  EXPECT_EQ(query->needs, (std::vector<wire::Specialty>{wire::Specialty::handicap}));
  EXPECT_TRUE(query->children[0]->needs.empty());
  EXPECT_EQ(query->children[1]->needs, (std::vector<wire::Specialty>{wire::Specialty::soins_psy}));

  a.needs = {"3:soins_psy"};
  EXPECT_NE(error_of(a).find("de 1 à 2"), std::string::npos) << error_of(a);
  a.needs = {"x:soins_psy"};
  EXPECT_NE(error_of(a).find("N-ième --age"), std::string::npos) << error_of(a);
  a.needs = {"1:psy"};
  EXPECT_NE(error_of(a).find("« psy »"), std::string::npos) << error_of(a);
}

TEST(FindQueryTest, UnknownKindListsTheValidOnes) {
  FindArguments a;
  a.kinds = {"hotel"};
  EXPECT_NE(error_of(a).find("mecs, foyer_urgence"), std::string::npos);
}

TEST(FindQueryTest, SexNeedsAgesAndAMatchingCount) {
  FindArguments a;
  a.sexes = {"f"};
  EXPECT_NE(error_of(a).find("--sex demande"), std::string::npos);
  a.ages = {3, 4, 5};
  a.sexes = {"f", "g"};
  EXPECT_NE(error_of(a).find("3 âges, 2 sexes"), std::string::npos);
  a.sexes = {"z"};
  EXPECT_NE(error_of(a).find("« z »"), std::string::npos);
}

TEST(FindQueryTest, MaxKmNeedsNear) {
  FindArguments a;
  a.max_km = 10;
  EXPECT_EQ(error_of(a), "--max-km demande --near (une commune ou LAT,LON)");
  a.near = "50.6,3.1";
  a.max_km = -2;
  EXPECT_NE(error_of(a).find("positive"), std::string::npos);
}

TEST(FindQueryTest, RejectsMalformedNearAndDepartement) {
  FindArguments a;
  a.near = "50,6;3,1";
  EXPECT_NE(error_of(a).find("--near"), std::string::npos);
  a.near = "95,3";
  EXPECT_NE(error_of(a).find("hors limites"), std::string::npos);
  a.near.clear();
  for (const char* bad : {"599", "5", "2C", "20", "nord"}) {
    a.departement = bad;
    EXPECT_NE(error_of(a).find("--dept"), std::string::npos) << bad;
  }
  for (const char* good : {"59", "2B", "974", "01"}) {
    a.departement = good;
    EXPECT_EQ(error_of(a), "") << good;
  }
}

TEST(FindQueryTest, LimitInRange) {
  FindArguments a;
  a.limit = 0;
  EXPECT_NE(error_of(a).find("--limit"), std::string::npos);
  a.limit = kMaxLimit + 1;
  EXPECT_NE(error_of(a).find("--limit"), std::string::npos);
}

// Issue 10: --near takes a commune — name, postcode or INSEE code — from the national table.
TEST(FindQueryTest, NearTakesACommuneByNamePostcodeOrInseeCode) {
  for (const char* lille : {"Lille", "lille", "59000", " LILLE "}) {
    FindArguments a;
    a.near = lille;
    auto query = build_search_query(a);
    ASSERT_TRUE(query) << lille << ": " << query.error().message;
    EXPECT_NEAR(*query->near_lat, 50.63, 0.02) << lille;
    EXPECT_NEAR(*query->near_lon, 3.05, 0.02) << lille;
  }
  FindArguments by_insee;
  by_insee.near = "59009";  // Villeneuve-d'Ascq's INSEE code, no commune's postcode
  auto ascq = build_search_query(by_insee);
  ASSERT_TRUE(ascq) << ascq.error().message;
  EXPECT_NEAR(*ascq->near_lat, 50.636, 0.001);
  FindArguments both;
  both.near = "59350";  // Lille's INSEE code and Saint-André-lez-Lille's postcode
  EXPECT_NE(error_of(both).find("à la fois le code INSEE de Lille (59, 59000, INSEE 59350) et un code postal de "
                                "Saint-André-lez-Lille"),
            std::string::npos)
      << error_of(both);
  FindArguments accented;
  accented.near = "saint andre lez lille";
  auto query = build_search_query(accented);
  ASSERT_TRUE(query) << query.error().message;
  EXPECT_NEAR(*query->near_lat, 50.66, 0.03);
}

TEST(FindQueryTest, AnAmbiguousCommuneIsListedAndTheDepartementChoosesIt) {
  FindArguments a;
  a.near = "Saint-Denis";
  const std::string error = error_of(a);
  EXPECT_EQ(error.rfind("--near : ", 0), 0u) << error;
  EXPECT_NE(error.find("Saint-Denis (93, 93200, INSEE 93066)"), std::string::npos) << error;
  EXPECT_NE(error.find("Précisez le département"), std::string::npos) << error;
  a.departement = "93";
  auto query = build_search_query(a);
  ASSERT_TRUE(query) << query.error().message;
  EXPECT_NEAR(*query->near_lat, 48.93, 0.03);
  FindArguments bracketed;
  bracketed.near = "Saint-Denis (93)";
  EXPECT_EQ(error_of(bracketed), "");
}

TEST(FindQueryTest, AnUnknownCommuneIsAClearError) {
  FindArguments a;
  a.near = "Lilleville-sur-Rien";
  EXPECT_EQ(error_of(a).rfind("--near : commune inconnue : « Lilleville-sur-Rien »", 0), 0u) << error_of(a);
  a.near = "00000";
  EXPECT_NE(error_of(a).find("aucune commune n'a le code INSEE ou postal « 00000 »"), std::string::npos);
}

}  // namespace
}  // namespace dispo::cli
