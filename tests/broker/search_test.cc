#include "matching/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dispo::broker {
namespace {

using wire::Authorisation;
using wire::ChildSex;
using wire::FacilityKind;
using wire::Specialty;
using wire::UnitSex;

constexpr std::int64_t kNow = 1'750'000'000'000;  // 2025-06-15T15:06:40Z
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr double kLilleLat = 50.6292;
constexpr double kLilleLon = 3.0573;
constexpr double kKmPerDegreeLat = 111.19508;

// A mixed unit for ages 0-21 taking one child, confirmed a minute ago.
UnitRecord make_unit(std::string id, std::uint16_t available,
                     std::int64_t confirmed_at = kNow - kMinute) {
  UnitRecord record;
  record.unit.id = std::move(id);
  record.unit.age_min = 0;
  record.unit.age_max = 21;
  record.unit.sex = UnitSex::mixte;
  record.unit.installed = 10;
  record.unit.max_siblings = 1;
  record.availability.installed = 10;
  record.availability.available = available;
  record.availability.occupied = static_cast<std::uint16_t>(10 - available);
  record.availability.confirmed_at = confirmed_at;
  record.availability.confirmed_by = "test";
  return record;
}

// An authorised MECS of the Nord, `km_north` kilometres north of Lille.
FacilityRecord make_facility(std::string id, double km_north, std::vector<UnitRecord> units) {
  FacilityRecord record;
  record.facility.id = id;
  record.facility.name = "Foyer " + id;
  record.facility.kind = FacilityKind::mecs;
  record.facility.departement = "59";
  record.facility.commune_insee = "59350";
  record.facility.lat = kLilleLat + km_north / kKmPerDegreeLat;
  record.facility.lon = kLilleLon;
  record.facility.phone = "03 20 00 00 00";
  record.facility.authorisation = Authorisation::autorise;
  record.units = std::move(units);
  return record;
}

FacilityRecord one_unit_facility(std::string id, double km_north = 0.0) {
  return make_facility(std::move(id), km_north, {make_unit("u1", 1)});
}

SearchContext make_context() {
  SearchContext context;
  context.now_ms = kNow;
  context.stale_after_ms = 12 * kHour;
  context.sequence = 42;
  context.today = "2025-06-15";
  return context;
}

void add_child(wire::SearchQueryT& query, std::uint8_t age, ChildSex sex = ChildSex::non_precise) {
  auto child = std::make_unique<wire::ChildT>();
  child->age = age;
  child->sex = sex;
  query.children.push_back(std::move(child));
}

wire::SearchQueryT query_for_ages(std::initializer_list<std::uint8_t> ages) {
  wire::SearchQueryT query;
  for (std::uint8_t age : ages) add_child(query, age);
  return query;
}

void set_near_lille(wire::SearchQueryT& query) {
  query.near_lat = kLilleLat;
  query.near_lon = kLilleLon;
}

AvailabilityIndex index_of(std::vector<FacilityRecord> facilities) {
  AvailabilityIndex index;
  for (auto& facility : facilities) index.put(std::move(facility));
  return index;
}

std::vector<std::string> ids(const std::vector<std::unique_ptr<wire::MatchT>>& matches) {
  std::vector<std::string> result;
  for (const auto& match : matches) result.push_back(match->facility_id);
  return result;
}

using Strings = std::vector<std::string>;
using Children = std::vector<std::uint8_t>;

wire::SearchResultT run(const AvailabilityIndex& index, const wire::SearchQueryT& query) {
  return search(index, query, make_context());
}

TEST(SearchTest, DistanceKmIsHaversineWithMeanEarthRadius) {
  EXPECT_NEAR(distance_km(0, 0, 0, 1), 111.19508, 1e-4);
  EXPECT_NEAR(distance_km(48.8566, 2.3522, kLilleLat, kLilleLon), 203.509, 1e-2);
  EXPECT_NEAR(distance_km(kLilleLat, kLilleLon, 48.8566, 2.3522),
              distance_km(48.8566, 2.3522, kLilleLat, kLilleLon), 1e-9);
  EXPECT_EQ(distance_km(kLilleLat, kLilleLon, kLilleLat, kLilleLon), 0.0);
}

TEST(SearchTest, OneChildMatchCopiesFacilityAndUnitAvailability) {
  auto facility = make_facility("590000001", 0, {make_unit("full", 0), make_unit("open", 2)});
  facility.units[1].availability.free_24h = 1;
  const auto index = index_of({facility});
  const auto result = run(index, query_for_ages({8}));

  EXPECT_EQ(result.sequence, 42u);
  ASSERT_EQ(result.matches.size(), 1u);
  const auto& match = *result.matches[0];
  EXPECT_EQ(match.facility_id, "590000001");
  EXPECT_EQ(match.name, "Foyer 590000001");
  EXPECT_EQ(match.kind, FacilityKind::mecs);
  EXPECT_EQ(match.departement, "59");
  EXPECT_EQ(match.commune_insee, "59350");
  EXPECT_EQ(match.phone, "03 20 00 00 00");
  EXPECT_DOUBLE_EQ(match.lat, facility.facility.lat);
  EXPECT_DOUBLE_EQ(match.lon, facility.facility.lon);
  EXPECT_FALSE(match.distance_km.has_value());
  EXPECT_TRUE(match.whole_group);
  EXPECT_FALSE(match.stale);
  EXPECT_EQ(match.age_s, 60);
  ASSERT_EQ(match.placements.size(), 1u);
  EXPECT_EQ(match.placements[0]->unit_id, "open");
  EXPECT_EQ(match.placements[0]->children, Children{0});
  ASSERT_NE(match.placements[0]->availability, nullptr);
  EXPECT_EQ(match.placements[0]->availability->available, 2);
  EXPECT_EQ(match.placements[0]->availability->free_24h, 1);
  EXPECT_EQ(match.placements[0]->availability->confirmed_by, "test");
  EXPECT_TRUE(result.whole_group_found);
  EXPECT_TRUE(result.split.empty());
  EXPECT_EQ(result.stale_excluded, 0u);
}

TEST(SearchTest, UnitWithNoPlaceAvailableNowIsNotReturned) {
  auto facility = make_facility("590000001", 0, {make_unit("u1", 0)});
  facility.units[0].availability.free_24h = 3;
  const auto result = run(index_of({facility}), query_for_ages({8}));
  EXPECT_TRUE(result.matches.empty());
  EXPECT_FALSE(result.whole_group_found);
}

TEST(SearchTest, DepartementFilterIsExact) {
  auto nord = one_unit_facility("590000001");
  auto pas_de_calais = one_unit_facility("620000001");
  pas_de_calais.facility.departement = "62";
  const auto index = index_of({nord, pas_de_calais});
  auto query = query_for_ages({8});
  query.departement = "62";
  EXPECT_EQ(ids(run(index, query).matches), Strings{"620000001"});
  query.departement = "6";
  EXPECT_TRUE(run(index, query).matches.empty());
  query.departement.clear();
  EXPECT_EQ(ids(run(index, query).matches), (Strings{"590000001", "620000001"}));
}

TEST(SearchTest, KindsFilterKeepsOnlyTheListedKinds) {
  auto mecs = one_unit_facility("a-mecs");
  auto urgence = one_unit_facility("b-urgence");
  urgence.facility.kind = FacilityKind::foyer_urgence;
  auto lieu = one_unit_facility("c-lieu");
  lieu.facility.kind = FacilityKind::lieu_de_vie;
  const auto index = index_of({mecs, urgence, lieu});
  auto query = query_for_ages({8});
  query.kinds = {FacilityKind::foyer_urgence, FacilityKind::lieu_de_vie};
  EXPECT_EQ(ids(run(index, query).matches), (Strings{"b-urgence", "c-lieu"}));
  query.kinds.clear();
  EXPECT_EQ(run(index, query).matches.size(), 3u);
}

TEST(SearchTest, EmergencyOnlyKeepsEmergencyUnits) {
  auto facility = make_facility("590000001", 0, {make_unit("regular", 1), make_unit("urgence", 1)});
  facility.units[1].unit.emergency = true;
  const auto index = index_of({facility, one_unit_facility("590000002")});
  auto query = query_for_ages({8});
  query.emergency_only = true;
  const auto result = run(index, query);
  ASSERT_EQ(ids(result.matches), Strings{"590000001"});
  ASSERT_EQ(result.matches[0]->placements.size(), 1u);
  EXPECT_EQ(result.matches[0]->placements[0]->unit_id, "urgence");
}

TEST(SearchTest, EveryNeedMustBeOfferedByTheUnit) {
  auto handicap = one_unit_facility("a-handicap");
  handicap.units[0].unit.specialties = {Specialty::handicap};
  auto both = one_unit_facility("b-both");
  both.units[0].unit.specialties = {Specialty::soins_psy, Specialty::handicap};
  const auto index = index_of({handicap, both, one_unit_facility("c-none")});
  auto query = query_for_ages({8});
  query.needs = {Specialty::handicap, Specialty::soins_psy};
  EXPECT_EQ(ids(run(index, query).matches), Strings{"b-both"});
  query.needs = {Specialty::handicap};
  EXPECT_EQ(ids(run(index, query).matches), (Strings{"a-handicap", "b-both"}));
}

AvailabilityIndex fresh_stale_and_never_confirmed() {
  auto too_old_for_child = make_facility("d-old-teen", 0, {make_unit("u1", 1, kNow - 13 * kHour)});
  too_old_for_child.units[0].unit.age_min = 15;
  return index_of({make_facility("a-fresh", 0, {make_unit("u1", 1, kNow - kHour)}),
                   make_facility("b-stale", 0, {make_unit("u1", 1, kNow - 13 * kHour)}),
                   make_facility("c-never", 0, {make_unit("u1", 1, 0)}), too_old_for_child});
}

TEST(SearchTest, StaleUnitsAreExcludedAndCountedWhenTheyOtherwiseMatch) {
  const auto result = run(fresh_stale_and_never_confirmed(), query_for_ages({8}));
  EXPECT_EQ(ids(result.matches), Strings{"a-fresh"});
  EXPECT_EQ(result.stale_excluded, 2u);
}

TEST(SearchTest, IncludeStaleReturnsStalePlacesMarkedWithTheirAge) {
  auto query = query_for_ages({8});
  query.include_stale = true;
  const auto result = run(fresh_stale_and_never_confirmed(), query);
  ASSERT_EQ(ids(result.matches), (Strings{"a-fresh", "b-stale", "c-never"}));
  EXPECT_FALSE(result.matches[0]->stale);
  EXPECT_EQ(result.matches[0]->age_s, 3600);
  EXPECT_TRUE(result.matches[1]->stale);
  EXPECT_EQ(result.matches[1]->age_s, 13 * 3600);
  EXPECT_TRUE(result.matches[2]->stale);
  EXPECT_EQ(result.matches[2]->age_s, -1);
  EXPECT_EQ(result.stale_excluded, 0u);
}

TEST(SearchTest, ConfirmationExactlyAtTheFreshnessLimitIsNotStale) {
  const auto index = index_of({make_facility("a", 0, {make_unit("u1", 1, kNow - 12 * kHour)}),
                               make_facility("b", 0, {make_unit("u1", 1, kNow - 12 * kHour - 1)})});
  const auto result = run(index, query_for_ages({8}));
  EXPECT_EQ(ids(result.matches), Strings{"a"});
  EXPECT_EQ(result.stale_excluded, 1u);
}

FacilityRecord with_authorisation(std::string id, Authorisation authorisation,
                                  std::string derogation_end = {}) {
  auto facility = one_unit_facility(std::move(id));
  facility.facility.authorisation = authorisation;
  facility.facility.derogation_end = std::move(derogation_end);
  return facility;
}

TEST(SearchTest, ExpiredDerogationAndUnauthorisedPlacesAreNeverReturned) {
  const auto index = index_of({
      with_authorisation("a-autorise", Authorisation::autorise),
      with_authorisation("b-derogation-today", Authorisation::derogatoire, "2025-06-15"),
      with_authorisation("c-derogation-august", Authorisation::derogatoire, "2025-08-01"),
      with_authorisation("d-derogation-ended", Authorisation::derogatoire, "2025-06-14"),
      with_authorisation("e-derogation-no-end", Authorisation::derogatoire),
      with_authorisation("f-derogation-bad-end", Authorisation::derogatoire, "2025-6-30"),
      with_authorisation("g-hotel", Authorisation::hotel),
      with_authorisation("h-gite", Authorisation::gite),
      with_authorisation("i-location", Authorisation::location),
      with_authorisation("j-non-autorise", Authorisation::non_autorise),
  });
  auto query = query_for_ages({8});
  query.include_stale = true;
  query.limit = 0;
  EXPECT_EQ(ids(run(index, query).matches),
            (Strings{"a-autorise", "b-derogation-today", "c-derogation-august"}));
  wire::SearchQueryT any_place;
  any_place.limit = 0;
  EXPECT_EQ(run(index, any_place).matches.size(), 3u);
}

TEST(SearchTest, EmptyTodayFallsBackToTheUtcDateOfNow) {
  const auto index =
      index_of({with_authorisation("a-today", Authorisation::derogatoire, "2025-06-15"),
                with_authorisation("b-ended", Authorisation::derogatoire, "2025-06-14")});
  auto context = make_context();
  context.today.clear();
  EXPECT_EQ(ids(search(index, query_for_ages({8}), context).matches), Strings{"a-today"});
}

FacilityRecord for_sex(std::string id, UnitSex sex) {
  auto facility = one_unit_facility(std::move(id));
  facility.units[0].unit.sex = sex;
  return facility;
}

TEST(SearchTest, ChildSexMustBeAdmittedByTheUnit) {
  const auto index = index_of({for_sex("a-filles", UnitSex::filles),
                               for_sex("b-garcons", UnitSex::garcons),
                               for_sex("c-mixte", UnitSex::mixte)});
  auto search_for = [&](ChildSex sex) {
    wire::SearchQueryT query;
    add_child(query, 10, sex);
    return ids(run(index, query).matches);
  };
  EXPECT_EQ(search_for(ChildSex::fille), (Strings{"a-filles", "c-mixte"}));
  EXPECT_EQ(search_for(ChildSex::garcon), (Strings{"b-garcons", "c-mixte"}));
  EXPECT_EQ(search_for(ChildSex::non_precise), (Strings{"a-filles", "b-garcons", "c-mixte"}));
}

TEST(SearchTest, AgeRangeIsInclusive) {
  auto facility = one_unit_facility("590000001");
  facility.units[0].unit.age_min = 6;
  facility.units[0].unit.age_max = 12;
  const auto index = index_of({facility});
  EXPECT_TRUE(run(index, query_for_ages({5})).matches.empty());
  EXPECT_EQ(run(index, query_for_ages({6})).matches.size(), 1u);
  EXPECT_EQ(run(index, query_for_ages({12})).matches.size(), 1u);
  EXPECT_TRUE(run(index, query_for_ages({13})).matches.empty());
}

FacilityRecord one_unit_taking(std::string id, std::uint16_t available, std::uint8_t max_siblings,
                               double km_north = 0.0) {
  auto facility = make_facility(std::move(id), km_north, {make_unit("u1", available)});
  facility.units[0].unit.max_siblings = max_siblings;
  return facility;
}

TEST(SearchTest, MaxSiblingsLimitsTheChildrenAUnitTakesTogether) {
  const auto index = index_of({one_unit_taking("a-one-at-a-time", 3, 1),
                               one_unit_taking("b-pairs", 3, 2),
                               one_unit_taking("c-zero-means-one", 3, 0)});
  auto query = query_for_ages({7, 9});
  const auto result = run(index, query);
  ASSERT_EQ(ids(result.matches), (Strings{"b-pairs", "a-one-at-a-time", "c-zero-means-one"}));
  EXPECT_TRUE(result.matches[0]->whole_group);
  EXPECT_EQ(result.matches[0]->placements[0]->children, (Children{0, 1}));
  EXPECT_FALSE(result.matches[1]->whole_group);
  EXPECT_EQ(result.matches[1]->placements[0]->children.size(), 1u);
  EXPECT_FALSE(result.matches[2]->whole_group);
  EXPECT_TRUE(result.whole_group_found);
  EXPECT_TRUE(result.split.empty());
}

TEST(SearchTest, PlacesAvailableNowLimitTheChildrenAUnitTakes) {
  const auto result = run(index_of({one_unit_taking("590000001", 2, 5)}), query_for_ages({3, 5, 7}));
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_FALSE(result.matches[0]->whole_group);
  EXPECT_EQ(result.matches[0]->placements[0]->children.size(), 2u);
}

TEST(SearchTest, WholeGroupInOneUnitRanksBeforeANearerPartialFacility) {
  const auto index = index_of({one_unit_taking("a-near-partial", 1, 1, 1.0),
                               one_unit_taking("b-far-whole", 2, 2, 40.0)});
  auto query = query_for_ages({4, 6});
  set_near_lille(query);
  const auto result = run(index, query);
  EXPECT_EQ(ids(result.matches), (Strings{"b-far-whole", "a-near-partial"}));
  EXPECT_TRUE(result.matches[0]->whole_group);
  EXPECT_FALSE(result.matches[1]->whole_group);
  EXPECT_TRUE(result.whole_group_found);
  EXPECT_TRUE(result.split.empty());
}

TEST(SearchTest, GroupSpreadOverTwoUnitsOfTheSameFacilityIsWholeGroup) {
  auto boys = make_unit("garcons-12-17", 1, kNow - 10 * kMinute);
  boys.unit.sex = UnitSex::garcons;
  boys.unit.age_min = 12;
  boys.unit.age_max = 17;
  auto young = make_unit("mixte-6-11", 1, kNow - kMinute);
  young.unit.age_min = 6;
  young.unit.age_max = 11;
  const auto index = index_of({make_facility("590000001", 0, {boys, young})});
  wire::SearchQueryT query;
  add_child(query, 8, ChildSex::fille);
  add_child(query, 14, ChildSex::garcon);
  const auto result = run(index, query);
  ASSERT_EQ(result.matches.size(), 1u);
  const auto& match = *result.matches[0];
  EXPECT_TRUE(match.whole_group);
  ASSERT_EQ(match.placements.size(), 2u);
  EXPECT_EQ(match.placements[0]->unit_id, "garcons-12-17");
  EXPECT_EQ(match.placements[0]->children, Children{1});
  EXPECT_EQ(match.placements[1]->unit_id, "mixte-6-11");
  EXPECT_EQ(match.placements[1]->children, Children{0});
  EXPECT_EQ(match.age_s, 600);  // the oldest confirmation used
  EXPECT_TRUE(result.whole_group_found);
  EXPECT_TRUE(result.split.empty());
}

TEST(SearchTest, OneUnitTakingTheWholeGroupIsPreferredToSpreadingIt) {
  auto pair = make_unit("pair", 2);
  pair.unit.max_siblings = 2;
  const auto index = index_of({make_facility("590000001", 0, {make_unit("single", 1), pair})});
  const auto result = run(index, query_for_ages({4, 6}));
  ASSERT_EQ(result.matches.size(), 1u);
  ASSERT_EQ(result.matches[0]->placements.size(), 1u);
  EXPECT_EQ(result.matches[0]->placements[0]->unit_id, "pair");
  EXPECT_EQ(result.matches[0]->placements[0]->children, (Children{0, 1}));
}

TEST(SearchTest, FreshestUnitIsChosenAmongUnitsTakingTheWholeGroup) {
  const auto index = index_of({make_facility(
      "590000001", 0,
      {make_unit("older", 1, kNow - 5 * kHour), make_unit("fresher", 1, kNow - 2 * kMinute),
       make_unit("old", 1, kNow - 3 * kHour)})});
  const auto result = run(index, query_for_ages({8}));
  ASSERT_EQ(result.matches.size(), 1u);
  ASSERT_EQ(result.matches[0]->placements.size(), 1u);
  EXPECT_EQ(result.matches[0]->placements[0]->unit_id, "fresher");
  EXPECT_EQ(result.matches[0]->age_s, 120);
}

TEST(SearchTest, PlacesEveryChildWhenFirstFitWouldStrandOne) {
  auto any_age = make_unit("any-age", 1);
  auto young = make_unit("young", 1);
  young.unit.age_max = 10;
  const auto index = index_of({make_facility("590000001", 0, {any_age, young})});
  const auto result = run(index, query_for_ages({5, 12}));
  ASSERT_EQ(result.matches.size(), 1u);
  const auto& match = *result.matches[0];
  EXPECT_TRUE(match.whole_group);
  ASSERT_EQ(match.placements.size(), 2u);
  EXPECT_EQ(match.placements[0]->unit_id, "any-age");
  EXPECT_EQ(match.placements[0]->children, Children{1});
  EXPECT_EQ(match.placements[1]->unit_id, "young");
  EXPECT_EQ(match.placements[1]->children, Children{0});
}

TEST(SearchTest, GroupSpreadUsesAsFewUnitsAsPossible) {
  auto young_pair = make_unit("young-pair", 2);
  young_pair.unit.age_max = 10;
  young_pair.unit.max_siblings = 2;
  const auto index = index_of(
      {make_facility("590000001", 0, {make_unit("single-a", 1), make_unit("single-b", 1), young_pair})});
  const auto result = run(index, query_for_ages({12, 5, 6}));
  ASSERT_EQ(result.matches.size(), 1u);
  const auto& match = *result.matches[0];
  EXPECT_TRUE(match.whole_group);
  ASSERT_EQ(match.placements.size(), 2u);
  EXPECT_EQ(match.placements[0]->children, Children{0});
  EXPECT_EQ(match.placements[1]->unit_id, "young-pair");
  EXPECT_EQ(match.placements[1]->children, (Children{1, 2}));
}

TEST(SearchTest, MatchesAreOrderedByDistanceFromTheNearPoint) {
  const auto index = index_of({one_unit_facility("a-far", 30.0), one_unit_facility("b-near", 2.0),
                               one_unit_facility("c-middle", 10.0)});
  auto query = query_for_ages({8});
  set_near_lille(query);
  const auto result = run(index, query);
  ASSERT_EQ(ids(result.matches), (Strings{"b-near", "c-middle", "a-far"}));
  ASSERT_TRUE(result.matches[0]->distance_km.has_value());
  EXPECT_NEAR(*result.matches[0]->distance_km, 2.0, 1e-6);
  EXPECT_NEAR(*result.matches[1]->distance_km, 10.0, 1e-6);
  EXPECT_NEAR(*result.matches[2]->distance_km, 30.0, 1e-6);
}

TEST(SearchTest, NearPointNeedsBothCoordinates) {
  const auto index = index_of({one_unit_facility("a-far", 30.0), one_unit_facility("b-near", 2.0)});
  auto query = query_for_ages({8});
  query.near_lat = kLilleLat;
  query.max_km = 5.0;
  const auto result = run(index, query);
  EXPECT_EQ(ids(result.matches), (Strings{"a-far", "b-near"}));
  EXPECT_FALSE(result.matches[0]->distance_km.has_value());
}

TEST(SearchTest, FresherConfirmationBreaksDistanceTies) {
  const auto index = index_of({make_facility("a-older", 5.0, {make_unit("u1", 1, kNow - 3 * kHour)}),
                               make_facility("b-fresher", 5.0, {make_unit("u1", 1, kNow - kMinute)}),
                               make_facility("c-same-as-b", 5.0, {make_unit("u1", 1, kNow - kMinute)}),
                               make_facility("d-nearest-oldest", 1.0, {make_unit("u1", 1, kNow - 11 * kHour)})});
  auto query = query_for_ages({8});
  set_near_lille(query);
  EXPECT_EQ(ids(run(index, query).matches),
            (Strings{"d-nearest-oldest", "b-fresher", "c-same-as-b", "a-older"}));
  query.near_lat.reset();
  query.near_lon.reset();
  EXPECT_EQ(ids(run(index, query).matches),
            (Strings{"b-fresher", "c-same-as-b", "a-older", "d-nearest-oldest"}));
}

TEST(SearchTest, MaxKmExcludesFartherFacilities) {
  const auto index = index_of({one_unit_facility("a-far", 30.0), one_unit_facility("b-near", 2.0),
                               one_unit_facility("c-edge", 9.9)});
  auto query = query_for_ages({8});
  set_near_lille(query);
  query.max_km = 10.0;
  EXPECT_EQ(ids(run(index, query).matches), (Strings{"b-near", "c-edge"}));
}

TEST(SearchTest, LimitTruncatesTheRankingAndZeroMeansNoLimit) {
  std::vector<FacilityRecord> facilities;
  for (int i = 0; i < 25; ++i) {
    facilities.push_back(one_unit_facility("f" + std::to_string(100 + i), 50.0 - i));
  }
  const auto index = index_of(std::move(facilities));
  auto query = query_for_ages({8});
  set_near_lille(query);
  EXPECT_EQ(run(index, query).matches.size(), 20u);  // the schema's default
  query.limit = 3;
  EXPECT_EQ(ids(run(index, query).matches), (Strings{"f124", "f123", "f122"}));
  query.limit = 0;
  EXPECT_EQ(run(index, query).matches.size(), 25u);
}

TEST(SearchTest, SplitProposesTheClosestSplitWhenNoFacilityTakesTheGroup) {
  const auto index = index_of({one_unit_taking("a-near-single", 1, 1, 1.0),
                               one_unit_taking("b-middle-pair", 2, 2, 3.0),
                               one_unit_taking("c-far-pair", 2, 2, 10.0),
                               one_unit_taking("d-nearest-single", 1, 1, 0.5)});
  auto query = query_for_ages({4, 6, 9});
  set_near_lille(query);
  const auto result = run(index, query);

  EXPECT_FALSE(result.whole_group_found);
  // Partial matches: more children placed first, then nearer.
  EXPECT_EQ(ids(result.matches),
            (Strings{"b-middle-pair", "c-far-pair", "d-nearest-single", "a-near-single"}));
  ASSERT_EQ(ids(result.split), (Strings{"b-middle-pair", "d-nearest-single"}));
  std::set<std::uint8_t> placed;
  for (const auto& entry : result.split) {
    EXPECT_FALSE(entry->whole_group);
    ASSERT_TRUE(entry->distance_km.has_value());
    for (const auto& placement : entry->placements) {
      for (std::uint8_t child : placement->children) EXPECT_TRUE(placed.insert(child).second);
    }
  }
  EXPECT_EQ(placed, (std::set<std::uint8_t>{0, 1, 2}));
  EXPECT_EQ(result.split[0]->placements[0]->children.size(), 2u);
  EXPECT_EQ(result.split[1]->placements[0]->children.size(), 1u);
}

TEST(SearchTest, SplitLaterRoundsOnlyCountTheChildrenStillUnplaced) {
  auto young_pair = one_unit_taking("a-young-pair", 2, 2, 8.0);
  young_pair.units[0].unit.age_max = 10;
  auto young_single = one_unit_taking("b-young-single-nearest", 1, 1, 1.0);
  young_single.units[0].unit.age_max = 10;
  auto teen = one_unit_taking("c-teen", 1, 1, 20.0);
  teen.units[0].unit.age_min = 13;
  auto query = query_for_ages({4, 15, 6});
  set_near_lille(query);
  const auto result = run(index_of({young_pair, young_single, teen}), query);
  ASSERT_EQ(ids(result.split), (Strings{"a-young-pair", "c-teen"}));
  EXPECT_EQ(result.split[0]->placements[0]->children, (Children{0, 2}));
  EXPECT_EQ(result.split[1]->placements[0]->children, Children{1});
  EXPECT_NEAR(*result.split[1]->distance_km, 20.0, 1e-6);
}

TEST(SearchTest, SplitLeavesOutChildrenNobodyCanTake) {
  auto facility = one_unit_facility("590000001");
  facility.units[0].unit.age_max = 17;
  const auto result = run(index_of({facility}), query_for_ages({19, 5}));
  EXPECT_FALSE(result.whole_group_found);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_FALSE(result.matches[0]->whole_group);
  ASSERT_EQ(result.split.size(), 1u);
  ASSERT_EQ(result.split[0]->placements.size(), 1u);
  EXPECT_EQ(result.split[0]->placements[0]->children, Children{1});
}

TEST(SearchTest, NoSplitForASingleChildOrWhenNobodyTakesAnyone) {
  const auto index = index_of({one_unit_facility("590000001")});
  const auto lone_adult = run(index, query_for_ages({22}));
  EXPECT_TRUE(lone_adult.matches.empty());
  EXPECT_TRUE(lone_adult.split.empty());
  const auto two_adults = run(index, query_for_ages({22, 23}));
  EXPECT_TRUE(two_adults.matches.empty());
  EXPECT_TRUE(two_adults.split.empty());
  EXPECT_FALSE(two_adults.whole_group_found);
}

TEST(SearchTest, EmptyChildrenQueryReturnsEveryUnitWithAPlaceNow) {
  auto stale = make_unit("stale", 1, kNow - 13 * kHour);
  const auto index = index_of(
      {make_facility("a", 2.0, {make_unit("two", 2), make_unit("none", 0), make_unit("one", 1), stale}),
       make_facility("b", 1.0, {make_unit("none", 0)}), make_facility("c", 1.5, {make_unit("one", 1)})});
  wire::SearchQueryT query;
  set_near_lille(query);
  const auto result = run(index, query);
  ASSERT_EQ(ids(result.matches), (Strings{"c", "a"}));
  const auto& a = *result.matches[1];
  EXPECT_TRUE(a.whole_group);
  ASSERT_EQ(a.placements.size(), 2u);
  EXPECT_EQ(a.placements[0]->unit_id, "two");
  EXPECT_EQ(a.placements[1]->unit_id, "one");
  EXPECT_TRUE(a.placements[0]->children.empty());
  EXPECT_TRUE(a.placements[1]->children.empty());
  EXPECT_TRUE(result.whole_group_found);
  EXPECT_TRUE(result.split.empty());
  EXPECT_EQ(result.stale_excluded, 1u);
}

// ---------------------------------------------------------------- 10,000 units

// Deterministic pseudo-random numbers (a 64-bit LCG), so that the index is the same every run.
class Dice {
 public:
  int roll(int sides) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state_ >> 33) % static_cast<std::uint64_t>(sides));
  }

 private:
  std::uint64_t state_ = 20250615;
};

UnitRecord random_unit(Dice& dice, int number) {
  const auto available = static_cast<std::uint16_t>(std::max(0, dice.roll(5) - 2));
  const int ages = dice.roll(3);
  const std::int64_t confirmed_at = dice.roll(10) == 0 ? 0 : kNow - dice.roll(16) * kHour;
  UnitRecord record = make_unit("u" + std::to_string(number), available, confirmed_at);
  record.unit.age_min = static_cast<std::uint8_t>(ages == 0 ? 0 : ages == 1 ? 6 : 12);
  record.unit.age_max = static_cast<std::uint8_t>(ages == 0 ? 6 : ages == 1 ? 13 : 18);
  record.unit.sex = static_cast<UnitSex>(dice.roll(3));
  record.unit.max_siblings = static_cast<std::uint8_t>(1 + dice.roll(3));
  record.unit.emergency = dice.roll(2) == 0;
  return record;
}

FacilityRecord random_facility(Dice& dice, int number) {
  std::vector<UnitRecord> units;
  for (int u = 0; u < 10; ++u) units.push_back(random_unit(dice, u));
  auto facility = make_facility("f" + std::to_string(10000 + number), dice.roll(800) / 10.0, units);
  facility.facility.lon += (dice.roll(800) - 400) / 1000.0;
  facility.facility.departement = dice.roll(4) == 0 ? "62" : "59";
  if (dice.roll(10) == 0) {
    facility.facility.authorisation = Authorisation::derogatoire;
    facility.facility.derogation_end = dice.roll(2) == 0 ? "2025-06-01" : "2025-07-01";
  } else if (dice.roll(50) == 0) {
    facility.facility.authorisation = Authorisation::hotel;
  }
  return facility;
}

bool brute_fits(const UnitRecord& unit, std::uint8_t age, ChildSex sex) {
  const bool sex_ok = unit.unit.sex == UnitSex::mixte ||
                      (unit.unit.sex == UnitSex::filles && sex != ChildSex::garcon) ||
                      (unit.unit.sex == UnitSex::garcons && sex != ChildSex::fille);
  return unit.unit.age_min <= age && age <= unit.unit.age_max && sex_ok;
}

// Brute force, written independently of search.cc: the units of `facility` a child can use.
std::vector<const UnitRecord*> usable_units(const FacilityRecord& facility, std::uint32_t& stale) {
  std::vector<const UnitRecord*> units;
  const auto& f = facility.facility;
  if (f.departement != "59") return units;
  if (f.authorisation == Authorisation::hotel) return units;
  if (f.authorisation == Authorisation::derogatoire && f.derogation_end < "2025-06-15") return units;
  for (const auto& unit : facility.units) {
    if (unit.availability.available == 0 || !unit.unit.emergency) continue;
    const auto confirmed = unit.availability.confirmed_at;
    if (confirmed == 0 || kNow - confirmed > 12 * kHour) {
      stale += brute_fits(unit, 8, ChildSex::fille);  // counted for the one-child query
      continue;
    }
    units.push_back(&unit);
  }
  return units;
}

using Group = std::vector<std::pair<std::uint8_t, ChildSex>>;

// Tries every assignment of the children (each to a unit or nowhere), respecting what each unit
// takes together: returns {most children placed, fewest units used for that}.
class BruteForcePlacement {
 public:
  BruteForcePlacement(const std::vector<const UnitRecord*>& units, const Group& children)
      : units_(units), children_(children), load_(units.size(), 0) {}

  std::pair<int, int> best() {
    try_child(0, 0);
    return {best_.first, -best_.second};
  }

 private:
  void try_child(std::size_t child, int placed) {
    if (child == children_.size()) {
      const int used = static_cast<int>(std::count_if(load_.begin(), load_.end(), [](int n) { return n > 0; }));
      best_ = std::max(best_, std::pair{placed, -used});
      return;
    }
    try_child(child + 1, placed);
    for (std::size_t u = 0; u < units_.size(); ++u) {
      const auto& unit = *units_[u];
      const int capacity = std::min<int>(unit.availability.available, std::max<int>(1, unit.unit.max_siblings));
      if (load_[u] >= capacity || !brute_fits(unit, children_[child].first, children_[child].second)) continue;
      ++load_[u];
      try_child(child + 1, placed + 1);
      --load_[u];
    }
  }

  const std::vector<const UnitRecord*>& units_;
  const Group& children_;
  std::vector<int> load_;
  std::pair<int, int> best_{0, 0};  // placed, -units
};

TEST(SearchTest, TenThousandUnitsGiveTheBruteForceResult) {
  Dice dice;
  AvailabilityIndex index;
  for (int i = 0; i < 1000; ++i) index.put(random_facility(dice, i));
  ASSERT_EQ(index.unit_count(), 10'000u);

  const Group children{{8, ChildSex::fille}, {12, ChildSex::garcon}};
  wire::SearchQueryT query;
  for (const auto& [age, sex] : children) add_child(query, age, sex);
  query.departement = "59";
  query.emergency_only = true;
  query.limit = 0;
  set_near_lille(query);
  const auto result = run(index, query);

  std::map<std::string, std::pair<int, int>> expected;
  for (const auto& [id, facility] : index.facilities()) {
    std::uint32_t ignored = 0;
    const auto best = BruteForcePlacement(usable_units(facility, ignored), children).best();
    if (best.first > 0) expected[id] = best;
  }
  ASSERT_GT(expected.size(), 100u);
  ASSERT_EQ(result.matches.size(), expected.size());
  int whole = 0;
  for (std::size_t i = 0; i < result.matches.size(); ++i) {
    const auto& match = *result.matches[i];
    ASSERT_TRUE(expected.count(match.facility_id)) << match.facility_id;
    const auto [placed, units] = expected[match.facility_id];
    EXPECT_EQ(match.whole_group, placed == 2) << match.facility_id;
    EXPECT_EQ(static_cast<int>(match.placements.size()), units) << match.facility_id;
    whole += match.whole_group;
    if (i == 0) continue;
    const auto& previous = *result.matches[i - 1];
    if (previous.whole_group == match.whole_group) {
      EXPECT_LE(*previous.distance_km, *match.distance_km) << match.facility_id;
    } else {
      EXPECT_TRUE(previous.whole_group) << match.facility_id;
    }
  }
  EXPECT_GT(whole, 0);
  EXPECT_TRUE(result.whole_group_found);
  EXPECT_TRUE(result.split.empty());

  wire::SearchQueryT one_child;
  add_child(one_child, 8, ChildSex::fille);
  one_child.departement = "59";
  one_child.emergency_only = true;
  one_child.limit = 0;
  std::uint32_t stale = 0;
  std::size_t facilities = 0;
  for (const auto& [id, facility] : index.facilities()) {
    const auto units = usable_units(facility, stale);
    facilities += std::any_of(units.begin(), units.end(), [](const UnitRecord* unit) {
      return brute_fits(*unit, 8, ChildSex::fille);
    });
  }
  const auto one_result = run(index, one_child);
  EXPECT_EQ(one_result.matches.size(), facilities);
  EXPECT_GT(stale, 0u);
  EXPECT_EQ(one_result.stale_excluded, stale);
}

// A facility of 2 to 7 fresh emergency units with varied age bands and sibling limits.
FacilityRecord random_group_facility(Dice& dice, int number) {
  constexpr std::pair<std::uint8_t, std::uint8_t> kAgeBands[] = {{0, 6},   {0, 10},  {6, 13},
                                                                 {10, 17}, {12, 18}, {0, 18}};
  std::vector<UnitRecord> units;
  const int unit_count = 2 + dice.roll(6);
  for (int u = 0; u < unit_count; ++u) {
    auto unit = make_unit("u" + std::to_string(u), static_cast<std::uint16_t>(1 + dice.roll(3)));
    const auto [age_min, age_max] = kAgeBands[dice.roll(6)];
    unit.unit.age_min = age_min;
    unit.unit.age_max = age_max;
    unit.unit.sex = static_cast<UnitSex>(dice.roll(3));
    unit.unit.max_siblings = static_cast<std::uint8_t>(1 + dice.roll(3));
    unit.unit.emergency = true;
    units.push_back(std::move(unit));
  }
  return make_facility("g" + std::to_string(10000 + number), dice.roll(100), std::move(units));
}

TEST(SearchTest, SiblingGroupsOfFourArePlacedAsWellAsBruteForce) {
  Dice dice;
  AvailabilityIndex index;
  for (int i = 0; i < 500; ++i) index.put(random_group_facility(dice, i));
  const Group children{{3, ChildSex::fille}, {7, ChildSex::garcon}, {9, ChildSex::non_precise},
                       {14, ChildSex::garcon}};
  wire::SearchQueryT query;
  for (const auto& [age, sex] : children) add_child(query, age, sex);
  query.departement = "59";
  query.emergency_only = true;
  query.limit = 0;
  const auto result = run(index, query);

  std::map<std::string, std::pair<int, int>> expected;
  for (const auto& [id, facility] : index.facilities()) {
    std::uint32_t ignored = 0;
    const auto best = BruteForcePlacement(usable_units(facility, ignored), children).best();
    if (best.first > 0) expected[id] = best;
  }
  ASSERT_GT(expected.size(), 50u);
  ASSERT_EQ(result.matches.size(), expected.size());
  std::set<std::pair<int, int>> kinds_of_result;
  for (const auto& match : result.matches) {
    const auto [placed, units] = expected[match->facility_id];
    int children_placed = 0;
    for (const auto& placement : match->placements) {
      children_placed += static_cast<int>(placement->children.size());
    }
    EXPECT_EQ(children_placed, placed) << match->facility_id;
    EXPECT_EQ(static_cast<int>(match->placements.size()), units) << match->facility_id;
    kinds_of_result.insert({placed, units});
  }
  EXPECT_GE(kinds_of_result.size(), 8u);  // many (placed, units used) outcomes are exercised
}

}  // namespace
}  // namespace dispo::broker
