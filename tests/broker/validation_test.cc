#include "matching/validation.h"

#include <gtest/gtest.h>

#include <limits>

namespace dispo::broker {
namespace {

wire::FacilityT valid_facility() {
  wire::FacilityT facility;
  facility.id = "590000001";
  facility.name = "MECS Les Tilleuls";
  facility.departement = "59";
  facility.phone = "03 20 00 00 00";
  facility.lat = 50.6;
  facility.lon = 3.0;
  auto unit = std::make_unique<wire::UnitT>();
  unit->id = "u1";
  unit->age_min = 6;
  unit->age_max = 12;
  unit->installed = 10;
  facility.units.push_back(std::move(unit));
  return facility;
}

TEST(ValidationTest, DerogationLimitIsTwoMonthsClampedToTheMonthEnd) {
  EXPECT_EQ(derogation_limit("2026-11-22"), "2027-01-22");
  EXPECT_EQ(derogation_limit("2026-12-31"), "2027-02-28");
  EXPECT_EQ(local_date(wire::now_ms()).size(), 10u);
}

TEST(ValidationTest, AValidFacilityPasses) {
  EXPECT_TRUE(check_facility(valid_facility(), "2026-11-22"));
}

TEST(ValidationTest, DerogationWithinTwoMonthsPassesAndIsAuthorisedUntilItsEnd) {
  auto facility = valid_facility();
  facility.authorisation = wire::Authorisation::derogatoire;
  facility.derogation_end = "2027-01-22";
  EXPECT_TRUE(check_facility(facility, "2026-11-22"));
  EXPECT_TRUE(is_authorised(facility, "2027-01-22"));
  EXPECT_FALSE(is_authorised(facility, "2027-01-23"));
  facility.derogation_end = "2027-01-23";
  EXPECT_EQ(check_facility(facility, "2026-11-22").error().status, wire::Status::unauthorised_place);
  facility.derogation_end = "23/01/2027";
  EXPECT_EQ(check_facility(facility, "2026-11-22").error().status, wire::Status::unauthorised_place);
}

TEST(ValidationTest, UnitRulesAreEnforcedWithTheUnitNamed) {
  auto facility = valid_facility();
  facility.units[0]->age_max = 22;
  auto checked = check_facility(facility, "2026-11-22");
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("u1"), std::string::npos);
  facility = valid_facility();
  facility.units[0]->installed = 0;
  EXPECT_FALSE(check_facility(facility, "2026-11-22"));
  facility = valid_facility();
  facility.units.push_back(std::make_unique<wire::UnitT>(*facility.units[0]));
  EXPECT_NE(check_facility(facility, "2026-11-22").error().message.find("deux fois"), std::string::npos);
  facility = valid_facility();
  facility.units[0]->sex = static_cast<wire::UnitSex>(77);
  EXPECT_FALSE(check_facility(facility, "2026-11-22"));
  facility = valid_facility();
  facility.phone.clear();
  EXPECT_FALSE(check_facility(facility, "2026-11-22"));
}

TEST(ValidationTest, MergeKeepsAbsentCountsAndRefusesOverCapacity) {
  FacilityRecord facility;
  facility.facility.id = "590000001";
  UnitRecord unit;
  unit.unit.id = "u1";
  unit.unit.installed = 10;
  unit.availability.occupied = 7;
  unit.availability.available = 1;
  flatbuffers::FlatBufferBuilder builder;
  auto make_update = [&](std::optional<std::uint16_t> available) {
    builder.Clear();
    wire::AvailabilityUpdateT update;
    update.facility_id = "590000001";
    update.unit_id = "u1";
    if (available) update.available = *available;
    builder.Finish(wire::AvailabilityUpdate::Pack(builder, &update));
    return flatbuffers::GetRoot<wire::AvailabilityUpdate>(builder.GetBufferPointer());
  };
  auto merged = merge_update(facility, unit, *make_update(3));
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->available, 3);
  EXPECT_EQ(merged->occupied, 7);
  EXPECT_EQ(merged->installed, 10);
  auto refused = merge_update(facility, unit, *make_update(4));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, wire::Status::inconsistent_counts);
  EXPECT_NE(refused.error().message.find("disponibles (4) + occupées (7)"), std::string::npos)
      << refused.error().message;
}

TEST(ValidationTest, PastMomentsAreCheckedAgainstNowAnd1970) {
  const std::int64_t now = 1'790'000'000'000;
  EXPECT_TRUE(check_past_moment(now, now));
  EXPECT_TRUE(check_past_moment(0, now));
  auto future = check_past_moment(now + 1, now);
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().status, wire::Status::invalid);
  EXPECT_NE(future.error().message.find("futur"), std::string::npos) << future.error().message;
  auto ancient = check_past_moment(std::numeric_limits<std::int64_t>::min(), now);
  ASSERT_FALSE(ancient);
  EXPECT_NE(ancient.error().message.find("avant 1970"), std::string::npos) << ancient.error().message;
}

TEST(ValidationTest, LocalDateOfAMomentBeyondTheCalendarIsEmpty) {
  EXPECT_EQ(local_date(std::numeric_limits<std::int64_t>::min()), "");
  EXPECT_EQ(local_date(std::numeric_limits<std::int64_t>::max()), "");
  EXPECT_EQ(local_date(1'790'000'000'000).size(), 10u);
}

}  // namespace
}  // namespace dispo::broker
