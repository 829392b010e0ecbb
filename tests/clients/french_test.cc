#include "french.h"

#include <gtest/gtest.h>

namespace dispo::cli {
namespace {

TEST(FrenchTest, AgesInYears) {
  EXPECT_EQ(years(0), "moins d'un an");
  EXPECT_EQ(years(1), "1 an");
  EXPECT_EQ(years(7), "7 ans");
}

TEST(FrenchTest, SinceRoundsDownToTheLargestUnit) {
  EXPECT_EQ(since(12), "à l'instant");
  EXPECT_EQ(since(12 * 60 + 30), "il y a 12 min");
  EXPECT_EQ(since(3 * 3600 + 59 * 60), "il y a 3 h");
  EXPECT_EQ(since(2 * 86400 + 5), "il y a 2 j");
  EXPECT_EQ(since_ms(0, 1'000'000), "jamais confirmé");
  EXPECT_EQ(since_ms(1'000'000 - 720'000, 1'000'000), "il y a 12 min");
}

TEST(FrenchTest, DecimalUsesAComma) {
  EXPECT_EQ(decimal(4.25, 1), "4,2");
  EXPECT_EQ(decimal(50.6292, 4), "50,6292");
}

TEST(FrenchTest, CountAgreesInNumber) {
  EXPECT_EQ(count_of(0, "place", "places"), "0 place");
  EXPECT_EQ(count_of(1, "place", "places"), "1 place");
  EXPECT_EQ(count_of(3, "place", "places"), "3 places");
}

TEST(FrenchTest, FitCountsCharactersNotBytes) {
  EXPECT_EQ(display_width("pouponnière"), 11u);
  EXPECT_EQ(fit("pouponnière", 13), "pouponnière  ");
  EXPECT_EQ(fit("pouponnière", 6), "poupo…");
  EXPECT_EQ(display_width(fit("Établissement très long", 10)), 10u);
  EXPECT_EQ(right("7", 3), "  7");
}

TEST(FrenchTest, LabelsExistForEveryKindAndSpecialty) {
  for (auto kind : wire::EnumValuesFacilityKind()) EXPECT_FALSE(kind_label(kind).empty());
  for (auto specialty : wire::EnumValuesSpecialty()) EXPECT_FALSE(specialty_label(specialty).empty());
  EXPECT_EQ(kind_label(wire::FacilityKind::pouponniere), "pouponnière");
  EXPECT_EQ(authorisation_label(wire::Authorisation::derogatoire, "2025-03-01"),
            "dérogation (CASF L.221-2-3) jusqu'au 2025-03-01");
}

}  // namespace
}  // namespace dispo::cli
