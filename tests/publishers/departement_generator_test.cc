// generate_departement(): deterministic for a seed, realistic, and every facility passes both the
// broker's validation and the CSV reader's rules (what a real département could register).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include "dispo/publishers/facility_csv.h"
#include "dispo/publishers/simulator.h"
#include "dispo/schemas/json.h"
#include "model/request_fields.h"
#include "matching/validation.h"

namespace dispo::publishers {
namespace {

using wire::FacilityKind;

std::string as_json(const wire::RegistrationT& registration) {
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(wire::Registration::Pack(builder, &registration));
  return wire::to_json(flatbuffers::GetRoot<wire::Registration>(builder.GetBufferPointer()), "Registration");
}

std::string as_json(const wire::FacilityT& facility) {
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(wire::Facility::Pack(builder, &facility));
  return wire::to_json(flatbuffers::GetRoot<wire::Facility>(builder.GetBufferPointer()), "Facility");
}

wire::RegistrationT generated(std::string_view code, std::size_t count, std::uint64_t seed) {
  auto registration = generate_departement(code, count, seed);
  EXPECT_TRUE(registration) << (registration ? "" : registration.error().message);
  return registration ? std::move(*registration) : wire::RegistrationT{};
}

// The registration written as the CSV a département would export (one row per unit).
std::string as_csv(const wire::RegistrationT& registration) {
  std::string csv;
  for (auto column : kFacilityCsvColumns) csv += std::string(csv.empty() ? "" : ",") + std::string(column);
  csv += "\n";
  for (const auto& f : registration.facilities) {
    for (const auto& u : f->units) {
      std::string specialties;
      for (auto s : u->specialties) specialties += (specialties.empty() ? "" : ";") + std::string(wire::EnumNameSpecialty(s));
      char row[1024];
      std::snprintf(row, sizeof row, "%s,\"%s\",%s,%s,%s,%.5f,%.5f,%s,autorise,%s,%d,%d,%s,%d,%d,%s,%s,\"%s\",\"%s\"\n",
                    f->id.c_str(), f->name.c_str(), wire::EnumNameFacilityKind(f->kind), f->departement.c_str(),
                    f->commune_insee.c_str(), f->lat, f->lon, f->phone.c_str(), u->id.c_str(), u->age_min,
                    u->age_max, wire::EnumNameUnitSex(u->sex), u->installed, u->max_siblings, specialties.c_str(),
                    u->emergency ? "oui" : "non", f->address.c_str(), u->name.c_str());
      csv += row;
    }
  }
  return csv;
}

struct Box {
  double lat_min, lat_max, lon_min, lon_max;
};

// The départements' real extents (a little generous), independent of the simulator's tables.
const std::map<std::string, Box> kExtents = {
    {"59", {49.96, 51.10, 2.06, 4.24}}, {"62", {50.02, 51.02, 1.55, 3.19}}, {"80", {49.57, 50.37, 1.37, 3.21}},
    {"75", {48.815, 48.903, 2.224, 2.470}}, {"93", {48.80, 49.02, 2.28, 2.61}}};

// The broker's field rules (request_fields.h) on `registration` sent as one request.
Result<void> passes_field_rules(const wire::RegistrationT& registration) {
  wire::RequestT request;
  request.client_id = "test";
  request.body.Set(wire::RegistrationT(registration));
  const std::string frame = wire::pack(request);
  auto message = wire::decode(frame.data(), frame.size());
  if (!message) return message.error();
  return broker::check_request_fields(*(*message)->body_as_Request());
}

TEST(DepartementGeneratorTest, SameSeedGivesTheSameFacilities) {
  EXPECT_EQ(as_json(generated("59", 80, 7)), as_json(generated("59", 80, 7)));
}

TEST(DepartementGeneratorTest, AnotherSeedGivesOtherFacilities) {
  EXPECT_NE(as_json(generated("59", 80, 7)), as_json(generated("59", 80, 8)));
}

TEST(DepartementGeneratorTest, AFacilityDoesNotDependOnHowManyAreGenerated) {
  const auto few = generated("62", 10, 3);
  const auto many = generated("62", 40, 3);
  ASSERT_EQ(few.facilities.size(), 10u);
  ASSERT_EQ(many.facilities.size(), 40u);
  for (std::size_t i = 0; i < few.facilities.size(); ++i) {
    EXPECT_EQ(as_json(*few.facilities[i]), as_json(*many.facilities[i]));
  }
}

TEST(DepartementGeneratorTest, EveryFacilityPassesTheBrokersValidation) {
  for (const auto& departement : simulated_departements()) {
    const auto registration = generated(departement.code, 300, 11);
    const auto fields = passes_field_rules(registration);
    EXPECT_TRUE(fields) << departement.code << " : " << (fields ? "" : fields.error().message);
    std::set<std::string> ids;
    for (const auto& facility : registration.facilities) {
      auto checked = broker::check_facility(*facility, "2026-01-15");
      EXPECT_TRUE(checked) << facility->id << " : " << (checked ? "" : checked.error().message);
      EXPECT_TRUE(ids.insert(facility->id).second) << "duplicate id " << facility->id;
      EXPECT_TRUE(std::regex_match(facility->id, std::regex(std::string(departement.code) + "S[0-9]{6}")))
          << facility->id;
      EXPECT_EQ(facility->departement, departement.code);
      EXPECT_EQ(facility->commune_insee.substr(0, 2), departement.code) << facility->id;
      EXPECT_EQ(facility->authorisation, wire::Authorisation::autorise);
    }
  }
}

TEST(DepartementGeneratorTest, EveryFacilityPassesTheCsvReadersRules) {
  for (const auto& departement : simulated_departements()) {
    const auto registration = generated(departement.code, 200, 5);
    const auto csv = read_facility_csv(as_csv(registration), local_today());
    EXPECT_TRUE(csv.ok()) << departement.code << "\n" << csv.report();
    EXPECT_EQ(csv.registration.facilities.size(), registration.facilities.size());
  }
}

TEST(DepartementGeneratorTest, IdsNeverLookLikeFinessNumbers) {
  EXPECT_EQ(simulated_facility_id("59", 1), "59S000001");
  EXPECT_EQ(simulated_facility_id("93", 4321), "93S004321");
}

TEST(DepartementGeneratorTest, CoordinatesStayInsideTheDepartement) {
  for (const auto& departement : simulated_departements()) {
    const Box& box = kExtents.at(std::string(departement.code));
    for (const auto& facility : generated(departement.code, 500, 13).facilities) {
      EXPECT_GE(facility->lat, box.lat_min) << facility->id;
      EXPECT_LE(facility->lat, box.lat_max) << facility->id;
      EXPECT_GE(facility->lon, box.lon_min) << facility->id;
      EXPECT_LE(facility->lon, box.lon_max) << facility->id;
    }
  }
}

TEST(DepartementGeneratorTest, CommunesAreRealCodesOfTheirDepartement) {
  for (const auto& departement : simulated_departements()) {
    std::set<std::string_view> codes;
    for (const auto& commune : departement.communes) {
      EXPECT_EQ(commune.insee.size(), 5u) << commune.name;
      EXPECT_EQ(commune.insee.substr(0, 2), departement.code) << commune.name;
      EXPECT_TRUE(codes.insert(commune.insee).second) << "twice: " << commune.insee;
      EXPECT_GT(commune.weight, 0) << commune.name;
    }
  }
  const auto* nord = find_simulated_departement("59");
  ASSERT_NE(nord, nullptr);
  const auto lille = std::find_if(nord->communes.begin(), nord->communes.end(),
                                  [](const Commune& c) { return c.insee == "59350"; });
  ASSERT_NE(lille, nord->communes.end());
  EXPECT_EQ(lille->name, "Lille");
  EXPECT_NEAR(lille->lat, 50.63, 0.02);
  EXPECT_NEAR(lille->lon, 3.05, 0.02);
}

TEST(DepartementGeneratorTest, KindsFollowARealisticMix) {
  std::map<FacilityKind, int> kinds;
  for (const auto& facility : generated("59", 400, 21).facilities) ++kinds[facility->kind];
  for (auto kind : wire::EnumValuesFacilityKind()) EXPECT_GT(kinds[kind], 0) << wire::EnumNameFacilityKind(kind);
  for (const auto& [kind, count] : kinds) {
    if (kind != FacilityKind::mecs) {
      EXPECT_GT(kinds[FacilityKind::mecs], count) << wire::EnumNameFacilityKind(kind);
    }
  }
  EXPECT_GT(kinds[FacilityKind::assistant_familial], kinds[FacilityKind::pouponniere]);
}

TEST(DepartementGeneratorTest, EvenASmallDepartementHasEveryKind) {
  std::set<FacilityKind> kinds;
  for (const auto& facility : generated("80", 12, 1).facilities) kinds.insert(facility->kind);
  EXPECT_EQ(kinds.size(), std::size(wire::EnumValuesFacilityKind()));
}

bool has(const wire::UnitT& unit, wire::Specialty specialty) {
  return std::find(unit.specialties.begin(), unit.specialties.end(), specialty) != unit.specialties.end();
}

TEST(DepartementGeneratorTest, UnitsLookLikeTheirKind) {
  for (const auto& facility : generated("59", 400, 4).facilities) {
    for (const auto& u : facility->units) {
      const std::string where = facility->id + "/" + u->id;
      EXPECT_LE(u->max_siblings, u->installed) << where;
      EXPECT_LE(u->age_min, u->age_max) << where;
      EXPECT_LE(u->age_max, 21) << where;
      switch (facility->kind) {
        case FacilityKind::mecs:
          EXPECT_GE(u->installed, 6) << where;
          EXPECT_LE(u->installed, 15) << where;
          break;
        case FacilityKind::lieu_de_vie:
          EXPECT_GE(u->installed, 5) << where;
          EXPECT_LE(u->installed, 7) << where;
          break;
        case FacilityKind::pouponniere:
          EXPECT_LE(u->age_max, 3) << where;
          EXPECT_TRUE(has(*u, wire::Specialty::nourrisson)) << where;
          break;
        case FacilityKind::foyer_urgence:
          EXPECT_GE(u->installed, 8) << where;
          EXPECT_LE(u->installed, 12) << where;
          EXPECT_TRUE(u->emergency) << where;
          break;
        case FacilityKind::assistant_familial:
          EXPECT_GE(u->installed, 1) << where;
          EXPECT_LE(u->installed, 4) << where;
          break;
        case FacilityKind::village_enfants:
          EXPECT_GE(u->max_siblings, 3) << where;
          break;
        case FacilityKind::mna:
          EXPECT_EQ(u->age_min, 15) << where;
          EXPECT_EQ(u->age_max, 18) << where;
          EXPECT_TRUE(has(*u, wire::Specialty::mna)) << where;
          break;
        case FacilityKind::centre_maternel:
          EXPECT_TRUE(has(*u, wire::Specialty::mere_enfant)) << where;
          break;
        case FacilityKind::medico_social:
          EXPECT_TRUE(has(*u, wire::Specialty::handicap)) << where;
          break;
        default:
          break;
      }
    }
  }
}

TEST(DepartementGeneratorTest, UnknownDepartementIsRefusedListingTheSupportedOnes) {
  auto registration = generate_departement("13", 10, 1);
  ASSERT_FALSE(registration);
  EXPECT_EQ(registration.error().status, wire::Status::invalid);
  EXPECT_NE(registration.error().message.find("« 13 »"), std::string::npos) << registration.error().message;
  EXPECT_NE(registration.error().message.find("59 (Nord)"), std::string::npos) << registration.error().message;
  EXPECT_NE(registration.error().message.find("62 (Pas-de-Calais)"), std::string::npos);
  EXPECT_NE(registration.error().message.find("80 (Somme)"), std::string::npos);
}

TEST(DepartementGeneratorTest, CountOutOfRangeIsRefused) {
  EXPECT_FALSE(generate_departement("59", 0, 1));
  EXPECT_FALSE(generate_departement("59", kMaxSimulatedFacilities + 1, 1));
  EXPECT_TRUE(generate_departement("59", 1, 1));
}

}  // namespace
}  // namespace dispo::publishers
