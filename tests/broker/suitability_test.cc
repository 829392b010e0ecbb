// The per-unit verdict shared by search and the written record: one reason per unit, the first
// that applies in the documented order, and agreement with search on what suits.
#include "matching/suitability.h"

#include <gtest/gtest.h>

#include <set>

#include "event_log_builder.h"
#include "matching/search.h"

namespace dispo::broker {
namespace {

using namespace testing_history;
using wire::RefusalReason;

constexpr std::int64_t kNow = kT0 + 12 * kHour;
constexpr std::int64_t kStaleAfter = 12 * kHour;

UnitRecord open_unit(std::string id, int age_min, int age_max, int available, int max_siblings = 1,
                     std::int64_t confirmed_at = kNow - kHour) {
  UnitRecord record = unit(std::move(id), age_min, age_max, 10, max_siblings);
  record.availability = availability(10, available, 10 - available, confirmed_at);
  return record;
}

wire::SearchQueryT query_for(std::initializer_list<int> ages) {
  wire::SearchQueryT query;
  query.departement = "59";
  for (int age : ages) query.children.push_back(child(age));
  return query;
}

std::vector<std::optional<RefusalReason>> reasons(const FacilityRecord& record, const wire::SearchQueryT& query,
                                                  bool whole_group = true, double distance = 0) {
  const auto criteria = make_suitability_criteria(query, kNow, kStaleAfter, "2026-09-21");
  std::vector<std::optional<RefusalReason>> out;
  for (const auto& verdict : judge_facility(record, criteria, distance, whole_group)) out.push_back(verdict.refusal);
  return out;
}

TEST(SuitabilityTest, EachUnitGetsTheFirstReasonThatApplies) {
  auto girls = open_unit("girls", 6, 12, 2);
  girls.unit.sex = wire::UnitSex::filles;
  auto full_and_too_young = open_unit("young-full", 0, 3, 0);
  auto full_and_stale = open_unit("full-stale", 6, 12, 0, 1, kNow - 20 * kHour);
  auto stale = open_unit("stale", 6, 12, 2, 1, kNow - 20 * kHour);
  auto never = open_unit("never", 6, 12, 2, 1, 0);
  auto no_emergency_no_care = open_unit("plain", 0, 3, 0);
  auto fine = open_unit("fine", 6, 12, 1);
  const auto record = facility("590000001", wire::FacilityKind::mecs,
                               {girls, full_and_too_young, full_and_stale, stale, never, fine});
  auto query = query_for({9});
  query.children[0]->sex = wire::ChildSex::garcon;
  EXPECT_EQ(reasons(record, query),
            (std::vector<std::optional<RefusalReason>>{RefusalReason::sex, RefusalReason::age, RefusalReason::full,
                                                       RefusalReason::stale, RefusalReason::stale, std::nullopt}));

  query.emergency_only = true;
  query.needs = {wire::Specialty::soins_psy};
  const auto plain = facility("590000002", wire::FacilityKind::mecs, {no_emergency_no_care});
  EXPECT_EQ(reasons(plain, query), (std::vector<std::optional<RefusalReason>>{RefusalReason::emergency}));
  query.emergency_only = false;
  EXPECT_EQ(reasons(plain, query), (std::vector<std::optional<RefusalReason>>{RefusalReason::specialisation}));
}

// A child's own needs (Child.needs) bind that child only: a 9-year-old who needs psychiatric care
// goes to the unit that offers it and the 4-year-old sister to the ordinary unit next door.
TEST(SuitabilityTest, EachChildsOwnNeedsBindThatChildOnly) {
  auto ordinary = open_unit("ordinary", 3, 12, 2);
  auto care = open_unit("care", 6, 12, 1);
  care.unit.specialties = {wire::Specialty::soins_psy};
  auto query = query_for({4, 9});
  query.children[1]->needs = {wire::Specialty::soins_psy};

  const auto both = facility("590000010", wire::FacilityKind::mecs, {ordinary, care});
  const auto criteria = make_suitability_criteria(query, kNow, kStaleAfter, "2026-09-21");
  const auto verdicts = judge_facility(both, criteria, 0, true);
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_FALSE(verdicts[0].refusal);
  EXPECT_FALSE(verdicts[1].refusal);
  EXPECT_EQ(verdicts[0].children, (std::vector<int>{0}));
  EXPECT_EQ(verdicts[1].children, (std::vector<int>{1}));

  // Without the care unit the group cannot be kept together: the ordinary unit takes only one.
  const auto only_ordinary = facility("590000011", wire::FacilityKind::mecs, {ordinary});
  EXPECT_EQ(reasons(only_ordinary, query), (std::vector<std::optional<RefusalReason>>{RefusalReason::siblings}));
  // Alone, the child who needs care is refused by the ordinary unit for that reason, named.
  auto alone = query_for({9});
  alone.children[0]->needs = {wire::Specialty::soins_psy};
  const auto alone_criteria = make_suitability_criteria(alone, kNow, kStaleAfter, "2026-09-21");
  const auto refused = judge_facility(only_ordinary, alone_criteria, 0, true);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].refusal, RefusalReason::specialisation);
  EXPECT_NE(refused[0].detail.find("soins_psy"), std::string::npos) << refused[0].detail;
}

TEST(SuitabilityTest, FacilityReasonsComeFirstForEveryUnit) {
  auto expired = facility("590000003", wire::FacilityKind::mecs, {open_unit("u1", 0, 21, 0), open_unit("u2", 0, 21, 3)});
  expired.facility.authorisation = wire::Authorisation::derogatoire;
  expired.facility.derogation_end = "2026-09-01";
  EXPECT_EQ(reasons(expired, query_for({9})),
            (std::vector<std::optional<RefusalReason>>{RefusalReason::not_authorised, RefusalReason::not_authorised}));

  const auto foyer = facility("590000004", wire::FacilityKind::foyer_urgence, {open_unit("u1", 0, 21, 3)});
  auto query = query_for({9});
  query.kinds = {wire::FacilityKind::mecs};
  EXPECT_EQ(reasons(foyer, query), (std::vector<std::optional<RefusalReason>>{RefusalReason::kind}));
  query.kinds.clear();
  query.near_lat = 50.0;
  query.near_lon = 3.0;
  query.max_km = 20;
  EXPECT_EQ(reasons(foyer, query, true, 35.0), (std::vector<std::optional<RefusalReason>>{RefusalReason::distance}));
  EXPECT_EQ(reasons(foyer, query, true, 15.0), (std::vector<std::optional<RefusalReason>>{std::nullopt}));
}

TEST(SuitabilityTest, SiblingsWhenTheFacilityCannotTakeTheGroupTogether) {
  const auto one_at_a_time = facility("590000005", wire::FacilityKind::mecs,
                                      {open_unit("u1", 0, 21, 3, /*max_siblings=*/1), open_unit("u2", 12, 21, 3)});
  const auto query = query_for({4, 7});
  EXPECT_EQ(reasons(one_at_a_time, query),
            (std::vector<std::optional<RefusalReason>>{RefusalReason::siblings, RefusalReason::age}));
  EXPECT_EQ(reasons(one_at_a_time, query, /*whole_group=*/false),
            (std::vector<std::optional<RefusalReason>>{std::nullopt, RefusalReason::age}));

  const auto together = facility("590000006", wire::FacilityKind::mecs,
                                 {open_unit("u1", 0, 5, 1), open_unit("u2", 6, 10, 1)});
  const auto criteria = make_suitability_criteria(query, kNow, kStaleAfter, "2026-09-21");
  const auto verdicts = judge_facility(together, criteria, 0, true);
  ASSERT_FALSE(verdicts[0].refusal);
  EXPECT_EQ(verdicts[0].children, std::vector<int>{0});
  EXPECT_EQ(verdicts[1].children, std::vector<int>{1});
}

// Whatever the index, a facility has a suitable unit exactly when search proposes it for the
// whole group.
TEST(SuitabilityTest, AgreesWithSearch) {
  AvailabilityIndex index;
  int n = 0;
  for (int available : {0, 1, 3}) {
    for (int max_siblings : {1, 3}) {
      for (int age_min : {0, 6, 12}) {
        for (std::int64_t confirmed : {kNow - kHour, kNow - 20 * kHour}) {
          const std::string id = "59" + std::to_string(1000000 + ++n);
          index.put(facility(id, wire::FacilityKind::mecs,
                             {open_unit("u1", age_min, age_min + 8, available, max_siblings, confirmed),
                              open_unit("u2", 0, 5, n % 2, 1, kNow - kHour)}));
        }
      }
    }
  }
  for (const auto& query : {query_for({9}), query_for({4, 9}), query_for({7, 9, 13})}) {
    SearchContext context;
    context.now_ms = kNow;
    context.stale_after_ms = kStaleAfter;
    context.today = "2026-09-21";
    wire::SearchQueryT limited = query;
    limited.limit = 0;
    std::set<std::string> proposed;
    for (const auto& match : search(index, limited, context).matches) {
      if (match->whole_group) proposed.insert(match->facility_id);
    }
    const auto criteria = make_suitability_criteria(query, kNow, kStaleAfter, "2026-09-21");
    std::set<std::string> suitable;
    for (const auto& [id, record] : index.facilities()) {
      for (const auto& verdict : judge_facility(record, criteria, 0, true)) {
        if (!verdict.refusal) suitable.insert(id);
      }
    }
    EXPECT_EQ(suitable, proposed) << query.children.size() << " children";
    EXPECT_FALSE(proposed.empty());
  }
}

}  // namespace
}  // namespace dispo::broker
