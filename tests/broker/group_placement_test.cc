// GroupPlacement: as many children placed as possible, then siblings kept together (fewest units),
// the whole group in one unit whenever one can take it (the freshest if several can).
#include "matching/group_placement.h"

#include <gtest/gtest.h>

#include <vector>

namespace dispo::broker {
namespace {

constexpr ChildSet kAll3 = 0b111;

std::vector<int> place(GroupPlacement& placement, const std::vector<UnitOption>& options, int children,
                       int* placed = nullptr) {
  std::vector<int> assignment(children, 99);
  const int count = placement.place(options, children, assignment);
  if (placed != nullptr) *placed = count;
  return assignment;
}

TEST(GroupPlacementTest, OneUnitTakingTheWholeGroupIsChosenTheFreshestOfThem) {
  GroupPlacement placement;
  const std::vector<UnitOption> options = {
      {2, kAll3, 500}, {3, kAll3, 100}, {3, kAll3, 900}, {1, kAll3, 1000}};
  int placed = 0;
  const auto assignment = place(placement, options, 3, &placed);
  EXPECT_EQ(placed, 3);
  EXPECT_EQ(assignment, (std::vector<int>{2, 2, 2})) << "together, in the freshest unit that takes three";
}

TEST(GroupPlacementTest, WhenNoUnitTakesThemAllTheFewestUnitsAreUsed) {
  GroupPlacement placement;
  // 1 + 1 + 2 places: the three children fit in two units (the 2-place unit and one other).
  const std::vector<UnitOption> options = {{1, kAll3, 0}, {1, kAll3, 0}, {2, kAll3, 0}};
  int placed = 0;
  const auto assignment = place(placement, options, 3, &placed);
  EXPECT_EQ(placed, 3);
  std::vector<int> load(options.size(), 0);
  for (const int unit : assignment) ++load.at(unit);
  EXPECT_EQ(load[2], 2) << "two siblings together in the 2-place unit";
  EXPECT_EQ(std::count(load.begin(), load.end(), 0), 1) << "two units used, not three";
}

TEST(GroupPlacementTest, AChildNoUnitAdmitsStaysUnplacedAndTheOthersArePlaced) {
  GroupPlacement placement;
  // Child 2 (bit 2) is admitted nowhere (say, 17 years old among units for under-12s).
  const std::vector<UnitOption> options = {{3, 0b011, 0}};
  int placed = 0;
  const auto assignment = place(placement, options, 3, &placed);
  EXPECT_EQ(placed, 2);
  EXPECT_EQ(assignment[0], 0);
  EXPECT_EQ(assignment[1], 0);
  EXPECT_EQ(assignment[2], kUnplaced);
}

TEST(GroupPlacementTest, CapacityIsNeverExceededAndEachChildIsPlacedWhereItIsAdmitted) {
  GroupPlacement placement;
  // Child 0 only in unit 0; unit 0 takes one child: the others must go elsewhere.
  const std::vector<UnitOption> options = {{1, 0b111, 0}, {2, 0b110, 0}};
  int placed = 0;
  const auto assignment = place(placement, options, 3, &placed);
  EXPECT_EQ(placed, 3);
  EXPECT_EQ(assignment[0], 0);
  EXPECT_EQ(assignment[1], 1);
  EXPECT_EQ(assignment[2], 1);
}

TEST(GroupPlacementTest, NoOptionPlacesNobody) {
  GroupPlacement placement;
  int placed = -1;
  const auto assignment = place(placement, {}, 2, &placed);
  EXPECT_EQ(placed, 0);
  EXPECT_EQ(assignment, (std::vector<int>{kUnplaced, kUnplaced}));
}

TEST(GroupPlacementTest, ALargeGroupIsPlacedWithinItsBoundedEffort) {
  GroupPlacement placement;
  std::vector<UnitOption> options(40, UnitOption{1, ~ChildSet{0}, 0});
  options.push_back({4, ~ChildSet{0}, 0});
  int placed = 0;
  const auto assignment = place(placement, options, 12, &placed);
  EXPECT_EQ(placed, 12);
  std::vector<int> load(options.size(), 0);
  for (const int unit : assignment) ++load.at(unit);
  EXPECT_EQ(load.back(), 4) << "the 4-place unit filled: 9 units for 12 children, not 12";
  EXPECT_EQ(std::count_if(load.begin(), load.end(), [](int n) { return n > 0; }), 9);
}

}  // namespace
}  // namespace dispo::broker
