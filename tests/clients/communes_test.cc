#include "dispo/clients/communes.h"

#include <gtest/gtest.h>

namespace dispo::client {
namespace {

constexpr const char* kSmallTable =
    "# a comment\n"
    "insee,nom,departement,codes_postaux,lat,lon,population\n"
    "11339,Saint-Denis,11,11310,43.35,2.22,523\n"
    "59350,Lille,59,59000 59160 59260 59777 59800,50.6309,3.0468,238246\n"
    "59527,Saint-André-lez-Lille,59,59350,50.6599,3.0416,13233\n"
    "93066,Saint-Denis,93,93200 93210 93380,48.9378,2.3657,149077\n"
    "97411,Saint-Denis,974,97400 97490,-20.93,55.44,153810\n"
    "2A004,Ajaccio,2A,20000 20090 20167,41.9226,8.7057,76320\n"
    "14000,\"Œuilly, quoted\",14,14000,49.0,0.5,10\n";

Communes small() {
  auto parsed = Communes::parse(kSmallTable);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? std::move(*parsed) : Communes{};
}

std::string error_of(const Communes& communes, std::string_view text, std::string_view departement = {}) {
  auto found = resolve_commune(communes, text, departement);
  return found ? std::string() : found.error().message;
}

TEST(CommunesTest, FoldsCaseAccentsHyphensApostrophesAndSaintAbbreviations) {
  EXPECT_EQ(fold_commune_name("Saint-André-lez-Lille"), "saint andre lez lille");
  EXPECT_EQ(fold_commune_name("  ST ANDRE   LEZ-LILLE "), "saint andre lez lille");
  EXPECT_EQ(fold_commune_name("Villeneuve-d’Ascq"), "villeneuve d ascq");
  EXPECT_EQ(fold_commune_name("Villeneuve-d'Ascq"), "villeneuve d ascq");
  EXPECT_EQ(fold_commune_name("Sainte-Marie-aux-Œufs"), "sainte marie aux oeufs");
  EXPECT_EQ(fold_commune_name("Ste-Maxime"), "sainte maxime");
  EXPECT_EQ(fold_commune_name("ÉVRY"), "evry");
  EXPECT_EQ(fold_commune_name(""), "");
}

TEST(CommunesTest, ParsesTheTableAndFindsByInseeCodePostcodeAndName) {
  const Communes communes = small();
  ASSERT_EQ(communes.size(), 7u);
  ASSERT_NE(communes.by_insee("2a004"), nullptr);
  EXPECT_EQ(communes.by_insee("2A004")->name, "Ajaccio");
  EXPECT_EQ(communes.by_insee("99999"), nullptr);
  ASSERT_EQ(communes.by_postcode("59160").size(), 1u);
  EXPECT_EQ(communes.by_postcode("59160").front()->insee, "59350");
  const auto denis = communes.by_name("saint denis");
  ASSERT_EQ(denis.size(), 3u);
  EXPECT_EQ(denis.front()->departement, "974") << "most populous first";
  EXPECT_EQ(communes.by_name("Œuilly, quoted").size(), 1u) << "quoted field";
  EXPECT_EQ(communes.town_name("59350"), "Lille");
  EXPECT_EQ(communes.town_name("12345"), "12345");
}

TEST(CommunesTest, ResolvesANameAnAccentedNameAPostcodeAndAnInseeCode) {
  const Communes communes = small();
  auto by_name = resolve_commune(communes, "LILLE");
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_EQ((*by_name)->insee, "59350");
  auto accented = resolve_commune(communes, "saint andre lez lille");
  ASSERT_TRUE(accented) << accented.error().message;
  EXPECT_EQ((*accented)->insee, "59527");
  auto postcode = resolve_commune(communes, "59800");
  ASSERT_TRUE(postcode) << postcode.error().message;
  EXPECT_EQ((*postcode)->name, "Lille");
  auto insee = resolve_commune(communes, "2A004");
  ASSERT_TRUE(insee) << insee.error().message;
  EXPECT_EQ((*insee)->name, "Ajaccio");
}

TEST(CommunesTest, AnAmbiguousNameListsEachCommuneWithItsDepartementPostcodeAndInseeCode) {
  const Communes communes = small();
  const std::string error = error_of(communes, "Saint-Denis");
  EXPECT_NE(error.find("3 communes s'appellent « Saint-Denis »"), std::string::npos) << error;
  EXPECT_NE(error.find("Saint-Denis (974, 97400, INSEE 97411)"), std::string::npos) << error;
  EXPECT_NE(error.find("Saint-Denis (93, 93200, INSEE 93066)"), std::string::npos) << error;
  EXPECT_NE(error.find("Saint-Denis (11, 11310, INSEE 11339)"), std::string::npos) << error;
  EXPECT_NE(error.find("Précisez le département"), std::string::npos) << error;

  auto narrowed = resolve_commune(communes, "saint-denis", "93");
  ASSERT_TRUE(narrowed) << narrowed.error().message;
  EXPECT_EQ((*narrowed)->insee, "93066");
  auto bracketed = resolve_commune(communes, "Saint-Denis (974)");
  ASSERT_TRUE(bracketed) << bracketed.error().message;
  EXPECT_EQ((*bracketed)->insee, "97411");
  const std::string elsewhere = error_of(communes, "Saint-Denis", "59");
  EXPECT_NE(elsewhere.find("n'existe pas dans le département 59"), std::string::npos) << elsewhere;
}

TEST(CommunesTest, AnInseeCodeThatIsAlsoAnotherCommunesPostcodeIsAmbiguous) {
  const std::string error = error_of(small(), "59350");
  EXPECT_NE(error.find("à la fois le code INSEE de Lille (59, 59000, INSEE 59350) et un code postal de "
                       "Saint-André-lez-Lille (59, 59350, INSEE 59527)"),
            std::string::npos)
      << error;
}

TEST(CommunesTest, AnUnknownCommuneIsRefusedWithSuggestions) {
  const Communes communes = small();
  const std::string error = error_of(communes, "Lil");
  EXPECT_NE(error.find("commune inconnue : « Lil »"), std::string::npos) << error;
  EXPECT_NE(error.find("voulez-vous dire :\n  Lille (59"), std::string::npos) << error;
  EXPECT_NE(error_of(communes, "Zzz").find("commune inconnue"), std::string::npos);
  EXPECT_NE(error_of(communes, "12345").find("aucune commune"), std::string::npos);
  EXPECT_NE(error_of(communes, "  ").find("commune vide"), std::string::npos);
}

TEST(CommunesTest, SuggestsByPrefixExactNamesFirstAndFindsTheNearest) {
  const Communes communes = small();
  const auto by_prefix = communes.suggest("saint", 10);
  ASSERT_EQ(by_prefix.size(), 4u);
  EXPECT_EQ(by_prefix.front()->insee, "97411");
  const auto by_digits = communes.suggest("593", 10);
  ASSERT_EQ(by_digits.size(), 2u) << "the postcode 59350 and the INSEE code 59350";
  EXPECT_EQ(communes.suggest("saint", 2).size(), 2u);
  ASSERT_NE(communes.nearest(50.62, 3.05), nullptr);
  EXPECT_EQ(communes.nearest(50.62, 3.05)->name, "Lille");
  EXPECT_EQ(Communes{}.nearest(50.0, 3.0), nullptr);
}

TEST(CommunesTest, AMalformedTableIsRefusedWithItsLine) {
  auto no_header = Communes::parse("59350,Lille,59,59000,50.6,3.0,1\n");
  ASSERT_FALSE(no_header);
  EXPECT_NE(no_header.error().message.find("ligne 1"), std::string::npos);
  auto bad_number = Communes::parse("insee,nom,departement,codes_postaux,lat,lon,population\n59350,Lille,59,59000,nord,3.0,1\n");
  ASSERT_FALSE(bad_number);
  EXPECT_NE(bad_number.error().message.find("ligne 2"), std::string::npos);
}

// The table shipped with dispo: every commune of metropolitan France and the overseas départements.
TEST(CommunesTest, TheNationalTableIsEmbeddedAndComplete) {
  const Communes& communes = Communes::national();
  EXPECT_GT(communes.size(), 34000u);
  for (const char* code : {"01001", "2A004", "2B033", "59350", "75056", "97105", "97209", "97302", "97411", "97611"}) {
    EXPECT_NE(communes.by_insee(code), nullptr) << code;
  }
  ASSERT_NE(communes.by_insee("59350"), nullptr);
  EXPECT_NEAR(communes.by_insee("59350")->lat, 50.63, 0.02);
  EXPECT_NEAR(communes.by_insee("59350")->lon, 3.05, 0.02);
  EXPECT_EQ(communes.town_name("75056"), "Paris");
  EXPECT_EQ(communes.town_name("75111"), "Paris 11e Arrondissement");
  auto evry = resolve_commune(communes, "evry courcouronnes");
  ASSERT_TRUE(evry) << evry.error().message;
  EXPECT_EQ((*evry)->departement, "91");
  for (const auto* paris : communes.by_postcode("75011")) EXPECT_EQ(paris->departement, "75");
}

}  // namespace
}  // namespace dispo::client
