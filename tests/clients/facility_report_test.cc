#include "facility_report.h"

#include <gtest/gtest.h>

namespace dispo::cli {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

wire::FacilityStateT facility() {
  wire::FacilityStateT state;
  state.facility = std::make_unique<wire::FacilityT>();
  auto& f = *state.facility;
  f.id = "590000123";
  f.name = "MECS Les Tilleuls";
  f.kind = wire::FacilityKind::mecs;
  f.departement = "59";
  f.commune_insee = "59350";
  f.phone = "03 20 00 00 00";
  f.authorisation = wire::Authorisation::derogatoire;
  f.derogation_end = "2025-03-01";
  auto unit = std::make_unique<wire::UnitStateT>();
  unit->unit = std::make_unique<wire::UnitT>();
  unit->unit->id = "u1";
  unit->unit->age_min = 6;
  unit->unit->age_max = 12;
  unit->unit->sex = wire::UnitSex::filles;
  unit->unit->max_siblings = 3;
  unit->unit->emergency = true;
  unit->unit->specialties = {wire::Specialty::soins_psy};
  unit->availability = std::make_unique<wire::AvailabilityT>();
  auto& a = *unit->availability;
  a.installed = 12;
  a.occupied = 9;
  a.available = 2;
  a.reserved = 1;
  a.free_72h = 1;
  a.confirmed_at = kNow - 12 * 60 * 1000;
  a.confirmed_by = "agent-590000123";
  state.units.push_back(std::move(unit));
  auto never = std::make_unique<wire::UnitStateT>(*state.units[0]);
  never->unit->id = "u2";
  never->availability->confirmed_at = 0;
  state.units.push_back(std::move(never));
  return state;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(FacilityReportTest, ShowsTheFacilityItsUnitsAndTheirCounts) {
  const std::string text = format_facility(facility(), kNow);
  EXPECT_TRUE(contains(text, "MECS Les Tilleuls (590000123)")) << text;
  EXPECT_TRUE(contains(text, "Tél. 24h/24 : 03 20 00 00 00")) << text;
  EXPECT_TRUE(contains(text, "dérogation (CASF L.221-2-3) jusqu'au 2025-03-01")) << text;
  EXPECT_TRUE(contains(text, "2 unités · 4 places disponibles sur 24 installées")) << text;
  EXPECT_TRUE(contains(text, "Unité « u1 » — de 6 ans à 12 ans, filles, accueil d'urgence (24 h), "
                             "fratrie jusqu'à 3 enfants, spécialités : soins psychiques"))
      << text;
  EXPECT_TRUE(contains(text, "installées 12 · occupées 9 · disponibles 2 · réservées 1 · fermées 0 · "
                             "libres sous 24 h 0 · sous 72 h 1"))
      << text;
  EXPECT_TRUE(contains(text, "confirmé il y a 12 min par agent-590000123")) << text;
  EXPECT_TRUE(contains(text, "⚠ jamais confirmé")) << text;
}

// Issue 10: the town by its name, the postal address and the units' names.
TEST(FacilityReportTest, ShowsTheTownByNameTheAddressAndTheUnitNames) {
  auto state = facility();
  state.facility->address = "12 rue des Tilleuls 59000 Lille";
  state.units[1]->unit->name = "Les Lucioles";
  const std::string text = format_facility(state, kNow);
  EXPECT_TRUE(contains(text, "  Type : MECS · Lille (département 59, INSEE 59350)\n")) << text;
  EXPECT_TRUE(contains(text, "  Adresse : 12 rue des Tilleuls 59000 Lille\n")) << text;
  EXPECT_TRUE(contains(text, "Unité « u1 » — ")) << text;
  EXPECT_TRUE(contains(text, "Unité « Les Lucioles » (u2) — ")) << text;
}

TEST(FacilityReportTest, WithoutAnAddressNoAddressLineAndAnUnknownCodeShownAsIs) {
  auto state = facility();
  state.facility->commune_insee = "59999";
  const std::string text = format_facility(state, kNow);
  EXPECT_FALSE(contains(text, "Adresse")) << text;
  EXPECT_TRUE(contains(text, "· 59999 (département 59, INSEE 59999)")) << text;
}

}  // namespace
}  // namespace dispo::cli
