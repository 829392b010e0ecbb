// The rules written once in dispo/schemas/placement_law.h: the derogation's two months and
// freshness, as the broker, the CSV check and the CLI all apply them.
#include "dispo/schemas/placement_law.h"

#include <gtest/gtest.h>

namespace dispo::wire {
namespace {

TEST(PlacementLawTest, ADerogationRunsTwoMonthsAtMostClampedToShorterMonths) {
  EXPECT_EQ(derogation_limit("2026-11-22"), "2027-01-22");
  EXPECT_EQ(derogation_limit("2026-12-31"), "2027-02-28");
  EXPECT_EQ(derogation_limit("2027-12-31"), "2028-02-29");
  EXPECT_EQ(derogation_limit("2026-02-30"), "2026-02-30") << "an impossible date is returned as it is";
  EXPECT_EQ(derogation_limit("demain"), "demain");
  EXPECT_NE(kPlacementLaw.find("L.221-2-3"), std::string_view::npos);
}

TEST(PlacementLawTest, AvailabilityIsStaleWhenNeverConfirmedOrOlderThanTheLimit) {
  EXPECT_TRUE(is_stale(0, 1'000'000, 60'000));
  EXPECT_FALSE(is_stale(940'000, 1'000'000, 60'000));
  EXPECT_TRUE(is_stale(939'999, 1'000'000, 60'000));
  EXPECT_FALSE(is_stale(1, 1'000'000'000, 0)) << "no limit: only never-confirmed data is stale";
  EXPECT_TRUE(is_stale(0, 1'000'000'000, 0));
}

}  // namespace
}  // namespace dispo::wire
