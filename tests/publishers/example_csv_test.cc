// ops/examples/facilities-59.csv, the Nord's example registration used by the README and ops/demo:
// it reads with zero problems, passes the broker's validation and has every kind of facility.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "dispo/clients/communes.h"
#include "dispo/publishers/facility_csv.h"
#include "model/request_fields.h"
#include "matching/validation.h"

namespace dispo::publishers {
namespace {

FacilityCsv example() { return read_facility_csv_file(DISPO_EXAMPLE_CSV, local_today()); }

TEST(ExampleCsvTest, ReadsWithZeroProblems) {
  const auto csv = example();
  EXPECT_TRUE(csv.ok()) << csv.report();
  EXPECT_GE(csv.registration.facilities.size(), 25u);
  EXPECT_LE(csv.registration.facilities.size(), 35u);
  EXPECT_GE(csv.unit_count(), 60u);
  EXPECT_LE(csv.unit_count(), 90u);
}

TEST(ExampleCsvTest, ContainsEveryKindOfFacility) {
  std::set<wire::FacilityKind> kinds;
  for (const auto& facility : example().registration.facilities) kinds.insert(facility->kind);
  for (auto kind : wire::EnumValuesFacilityKind()) {
    EXPECT_TRUE(kinds.count(kind)) << wire::EnumNameFacilityKind(kind) << " missing";
  }
}

TEST(ExampleCsvTest, EveryFacilityPassesTheBrokersValidation) {
  const auto csv = example();
  ASSERT_TRUE(csv.ok()) << csv.report();
  wire::RequestT request;
  request.client_id = "test";
  request.body.Set(wire::RegistrationT(csv.registration));
  const std::string frame = wire::pack(request);
  auto message = wire::decode(frame.data(), frame.size());
  ASSERT_TRUE(message);
  const auto fields = broker::check_request_fields(*(*message)->body_as_Request());
  EXPECT_TRUE(fields) << (fields ? "" : fields.error().message);
  for (const auto& facility : csv.registration.facilities) {
    auto checked = broker::check_facility(*facility, broker::local_date(wire::now_ms()));
    EXPECT_TRUE(checked) << facility->id << " : " << (checked ? "" : checked.error().message);
    EXPECT_EQ(facility->authorisation, wire::Authorisation::autorise)
        << facility->id << ": a derogation would expire and make the example file rot";
  }
}

TEST(ExampleCsvTest, LooksLikeTheNordsOwnExport) {
  const auto csv = example();
  ASSERT_TRUE(csv.ok()) << csv.report();
  std::set<std::string> communes;
  for (const auto& facility : csv.registration.facilities) {
    EXPECT_TRUE(std::regex_match(facility->id, std::regex("59[0-9]{7}"))) << facility->id << ": FINESS-like";
    EXPECT_EQ(facility->departement, "59");
    EXPECT_TRUE(facility->phone.starts_with("03 ")) << facility->id;
    EXPECT_GT(facility->lat, 49.96);
    EXPECT_LT(facility->lat, 51.10);
    EXPECT_GT(facility->lon, 2.06);
    EXPECT_LT(facility->lon, 4.24);
    communes.insert(facility->commune_insee);
    // Issue 10: a postal address in the facility's own commune, by its name and a postcode of it.
    const auto* commune = client::Communes::national().by_insee(facility->commune_insee);
    ASSERT_NE(commune, nullptr) << facility->id << ": " << facility->commune_insee << " is no commune";
    EXPECT_TRUE(facility->address.ends_with(" " + commune->name)) << facility->id << ": " << facility->address;
    EXPECT_TRUE(std::any_of(commune->postcodes.begin(), commune->postcodes.end(), [&](const std::string& postcode) {
      return facility->address.find(" " + postcode + " ") != std::string::npos;
    })) << facility->id << ": " << facility->address;
  }
  EXPECT_GE(communes.size(), 15u) << "facilities spread over the département";
}

// The README's examples use this facility and unit (dispo-publish update 590001234 u2
// --available 2 --occupied 9).
TEST(ExampleCsvTest, HasTheFacilityTheReadmeUses) {
  const auto csv = example();
  ASSERT_TRUE(csv.ok()) << csv.report();
  const auto& facilities = csv.registration.facilities;
  const auto found = std::find_if(facilities.begin(), facilities.end(),
                                  [](const auto& f) { return f->id == "590001234"; });
  ASSERT_NE(found, facilities.end());
  const auto& units = (*found)->units;
  const auto u2 = std::find_if(units.begin(), units.end(), [](const auto& u) { return u->id == "u2"; });
  ASSERT_NE(u2, units.end());
  EXPECT_GE((*u2)->installed, 11);
}

}  // namespace
}  // namespace dispo::publishers
