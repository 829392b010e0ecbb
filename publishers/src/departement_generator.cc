// generate_departement(): a département's facilities, drawn from per-kind layouts of units that
// follow how ASE establishments are organised (MECS by age group, foster carers of 1–4 places,
// village houses taking whole sibling groups, pouponnières for 0–3 years…).
#include <cmath>
#include <cstdio>
#include <vector>

#include "dispo/publishers/simulator.h"
#include "simulation_random.h"

namespace dispo::publishers {
namespace {

using wire::FacilityKind;
using wire::Specialty;
using wire::UnitSex;

// Specialisations as bits, so that unit templates stay one line each.
enum SpecialtyBit : unsigned {
  kNone = 0,
  kHandicap = 1u << static_cast<unsigned>(Specialty::handicap),
  kPsy = 1u << static_cast<unsigned>(Specialty::soins_psy),
  kInfant = 1u << static_cast<unsigned>(Specialty::nourrisson),
  kMother = 1u << static_cast<unsigned>(Specialty::mere_enfant),
  kMna = 1u << static_cast<unsigned>(Specialty::mna),
  kTeen = 1u << static_cast<unsigned>(Specialty::ado_difficulte),
};

struct UnitTemplate {
  int age_min, age_max;
  UnitSex sex;
  int installed_min, installed_max;
  int siblings_min, siblings_max;  // capped by the installed places
  unsigned always = kNone;         // specialisations every such unit offers
  unsigned sometimes = kNone;      // each offered by about one unit in four
  double emergency = 0.0;          // chance that the unit admits in emergency
  double presence = 1.0;           // chance that the unit exists (the first always does)
};

// A way a facility of some kind is organised. With `pick_min` > 0, the facility has between
// pick_min and pick_max units, each drawn from `units` (foster carers, village houses);
// otherwise it has the units in order, each with its presence chance.
struct Layout {
  std::vector<UnitTemplate> units;
  int pick_min = 0;
  int pick_max = 0;
};

struct KindProfile {
  FacilityKind kind;
  int weight;                    // share of the département's facilities
  std::string_view unit_prefix;  // "u1", "af1", "maison1"
  std::vector<std::string_view> name_prefixes;
  std::vector<Layout> layouts;
};

constexpr auto M = UnitSex::mixte;
constexpr auto F = UnitSex::filles;
constexpr auto G = UnitSex::garcons;

const KindProfile kProfiles[] = {
    {FacilityKind::mecs, 40, "u", {"MECS", "Maison d'enfants"},
     {{{{6, 12, M, 8, 14, 2, 3}, {12, 18, M, 8, 14, 1, 2, kNone, kTeen, 0.05}}},
      {{{3, 10, M, 8, 12, 2, 4}, {10, 15, M, 10, 14, 1, 3}, {15, 18, M, 8, 12, 1, 2, kNone, kTeen}}},
      {{{6, 14, M, 10, 15, 2, 3}, {14, 18, F, 8, 12, 1, 2, kNone, kPsy}, {16, 21, M, 6, 10, 1, 1, kNone, kNone, 0, 0.5}}},
      {{{12, 16, G, 10, 14, 1, 2, kNone, kTeen}, {13, 18, F, 8, 12, 1, 2, kNone, kPsy}, {16, 21, M, 8, 10, 1, 1}}},
      {{{4, 11, M, 8, 12, 2, 4}, {11, 16, M, 10, 14, 1, 3, kNone, kNone, 0.15}, {16, 21, M, 6, 10, 1, 1, kNone, kNone, 0, 0.6}}}}},
    {FacilityKind::foyer_urgence, 8, "u", {"Foyer de l'enfance", "Accueil d'urgence"},
     {{{{0, 3, M, 8, 12, 2, 3, kInfant, kNone, 1.0}, {3, 12, M, 8, 12, 2, 4, kNone, kNone, 1.0},
        {12, 18, M, 8, 12, 1, 2, kNone, kTeen, 1.0}}},
      {{{6, 13, M, 8, 12, 2, 4, kNone, kNone, 1.0}, {13, 18, M, 8, 12, 1, 2, kNone, kNone, 1.0}}},
      {{{3, 18, M, 10, 12, 2, 4, kNone, kNone, 1.0}}}}},
    {FacilityKind::assistant_familial, 14, "af", {"Service d'accueil familial", "Placement familial"},
     {{{{0, 3, M, 1, 3, 1, 2, kInfant, kNone, 0.2},
        {0, 6, M, 1, 4, 1, 3, kNone, kNone, 0.1},
        {3, 11, M, 1, 4, 1, 4},
        {6, 18, M, 1, 3, 1, 3},
        {10, 18, F, 1, 2, 1, 2},
        {10, 18, G, 1, 2, 1, 2},
        {6, 18, M, 1, 2, 1, 1, kHandicap}},
       4, 12}}},
    {FacilityKind::pouponniere, 4, "u", {"Pouponnière"},
     {{{{0, 3, M, 10, 20, 2, 3, kInfant, kNone, 0.7}}},
      {{{0, 1, M, 8, 12, 1, 2, kInfant, kNone, 1.0}, {1, 3, M, 8, 12, 2, 3, kInfant, kNone, 1.0}}}}},
    {FacilityKind::lieu_de_vie, 12, "u", {"Lieu de vie"},
     {{{{6, 16, M, 5, 7, 1, 3, kNone, kTeen}}},
      {{{10, 18, M, 5, 7, 1, 2, kNone, kTeen | kPsy}}},
      {{{13, 18, M, 5, 6, 1, 1, kNone, kTeen}}},
      {{{8, 18, M, 5, 7, 1, 3}}}}},
    {FacilityKind::village_enfants, 4, "maison", {"Village d'enfants"},
     {{{{3, 18, M, 6, 8, 4, 6}, {0, 18, M, 6, 8, 4, 6}, {6, 18, M, 6, 8, 3, 5}}, 3, 6}}},
    {FacilityKind::accueil_jour, 5, "u", {"Accueil de jour", "Service d'accueil de jour"},
     {{{{6, 12, M, 10, 15, 2, 3}, {12, 18, M, 10, 15, 1, 2, kNone, kNone, 0, 0.5}}}}},
    {FacilityKind::accueil_sequentiel, 3, "u", {"Accueil séquentiel"},
     {{{{6, 18, M, 6, 10, 1, 3}}}}},
    {FacilityKind::centre_maternel, 4, "u", {"Centre maternel"},
     {{{{0, 3, M, 8, 15, 1, 2, kMother | kInfant}, {15, 21, F, 6, 10, 1, 1, kMother, kNone, 0.5, 0.5}}}}},
    {FacilityKind::medico_social, 3, "u", {"Internat médico-éducatif", "Institut médico-éducatif"},
     {{{{6, 14, M, 6, 12, 1, 2, kHandicap, kPsy}, {14, 20, M, 6, 10, 1, 1, kHandicap, kNone, 0, 0.7}}}}},
    {FacilityKind::mna, 3, "u", {"Mise à l'abri MNA", "Accueil MNA"},
     {{{{15, 18, G, 12, 30, 1, 1, kMna, kNone, 1.0}, {15, 18, F, 6, 10, 1, 1, kMna, kNone, 1.0, 0.4}}}}},
};

// The first facilities go through every kind, so that even a small département has the mix.
constexpr FacilityKind kFirstKinds[] = {
    FacilityKind::mecs,          FacilityKind::foyer_urgence,   FacilityKind::assistant_familial,
    FacilityKind::lieu_de_vie,   FacilityKind::pouponniere,     FacilityKind::mecs,
    FacilityKind::village_enfants, FacilityKind::centre_maternel, FacilityKind::mna,
    FacilityKind::accueil_jour,  FacilityKind::medico_social,   FacilityKind::accueil_sequentiel};

constexpr std::string_view kNames[] = {
    "Les Tilleuls",   "Le Phare",       "La Roseraie",   "Les Hirondelles", "Le Colibri",
    "Les Peupliers",  "La Passerelle",  "L'Escale",      "Les Glycines",    "Le Cèdre",
    "Les Marronniers", "La Source",     "Le Tremplin",   "Les Saules",      "Le Moulin",
    "Les Charmilles", "La Boussole",    "L'Envol",       "Les Lilas",       "Les Coquelicots",
    "La Clairière",   "Les Érables",    "Le Relais",     "L'Arc-en-ciel",   "Les Bleuets",
    "La Maison Verte", "Les Alouettes", "Le Grand Chêne", "Les Mouettes",   "La Ruche",
    "Les Genêts",     "Le Vieux Moulin", "Les Capucines", "L'Oasis",        "Les Acacias",
    "La Chênaie",     "Le Bocage",      "Les Mésanges",  "La Prairie",      "Les Sources"};

const KindProfile& profile_of(FacilityKind kind) {
  for (const auto& profile : kProfiles) {
    if (profile.kind == kind) return profile;
  }
  return kProfiles[0];
}

FacilityKind draw_kind(SimulationRandom& random, std::size_t index) {
  if (index < std::size(kFirstKinds)) return kFirstKinds[index];
  std::vector<int> weights;
  for (const auto& profile : kProfiles) weights.push_back(profile.weight);
  return kProfiles[random.weighted(weights)].kind;
}

template <typename T>
const T& draw(SimulationRandom& random, const std::vector<T>& items) {
  return items[random.below(items.size())];
}

const Commune& draw_commune(SimulationRandom& random, const SimulatedDepartement& departement) {
  std::vector<int> weights;
  for (const auto& commune : departement.communes) weights.push_back(commune.weight);
  return departement.communes[random.weighted(weights)];
}

std::string draw_phone(SimulationRandom& random, const SimulatedDepartement& departement) {
  std::string phone(departement.phone_areas[random.below(departement.phone_areas.size())]);
  for (int pair = 0; pair < 3; ++pair) {
    char digits[8];
    std::snprintf(digits, sizeof digits, " %02d", random.between(0, 99));
    phone += digits;
  }
  return phone;
}

double jittered(SimulationRandom& random, double centre, double jitter) {
  const double value = centre + (random.uniform() * 2 - 1) * jitter;
  return std::round(value * 1e5) / 1e5;
}

std::unique_ptr<wire::UnitT> make_unit(SimulationRandom& random, const UnitTemplate& t, std::string id) {
  auto unit = std::make_unique<wire::UnitT>();
  unit->id = std::move(id);
  unit->age_min = static_cast<std::uint8_t>(t.age_min);
  unit->age_max = static_cast<std::uint8_t>(t.age_max);
  unit->sex = t.sex;
  const int installed = random.between(t.installed_min, t.installed_max);
  unit->installed = static_cast<std::uint16_t>(installed);
  const int siblings = std::min(random.between(t.siblings_min, t.siblings_max), installed);
  unit->max_siblings = static_cast<std::uint8_t>(std::max(siblings, 1));
  for (unsigned s = 0; s <= static_cast<unsigned>(Specialty::MAX); ++s) {
    const unsigned bit = 1u << s;
    if ((t.always & bit) != 0 || ((t.sometimes & bit) != 0 && random.chance(0.25))) {
      unit->specialties.push_back(static_cast<Specialty>(s));
    }
  }
  unit->emergency = random.chance(t.emergency);
  return unit;
}

void add_units(SimulationRandom& random, const KindProfile& profile, wire::FacilityT& facility) {
  const Layout& layout = draw(random, profile.layouts);
  const auto next_id = [&] { return std::string(profile.unit_prefix) + std::to_string(facility.units.size() + 1); };
  if (layout.pick_min > 0) {
    const int count = random.between(layout.pick_min, layout.pick_max);
    for (int i = 0; i < count; ++i) {
      const auto& t = draw(random, layout.units);
      facility.units.push_back(make_unit(random, t, next_id()));
    }
    return;
  }
  for (const auto& t : layout.units) {
    if (!facility.units.empty() && !random.chance(t.presence)) continue;
    facility.units.push_back(make_unit(random, t, next_id()));
  }
}

wire::FacilityT make_facility(SimulationRandom& random, const SimulatedDepartement& departement,
                              std::size_t index) {
  const KindProfile& profile = profile_of(draw_kind(random, index));
  const Commune& commune = draw_commune(random, departement);
  wire::FacilityT facility;
  facility.id = simulated_facility_id(departement.code, index + 1);
  facility.name = std::string(draw(random, profile.name_prefixes)) + " " +
                  std::string(kNames[random.below(std::size(kNames))]) + " (" + std::string(commune.name) + ")";
  facility.kind = profile.kind;
  facility.departement = std::string(departement.code);
  facility.commune_insee = std::string(commune.insee);
  facility.lat = jittered(random, commune.lat, departement.jitter);
  facility.lon = jittered(random, commune.lon, departement.jitter);
  facility.phone = draw_phone(random, departement);
  facility.authorisation = wire::Authorisation::autorise;
  add_units(random, profile, facility);
  return facility;
}

}  // namespace

std::string simulated_facility_id(std::string_view departement, std::size_t index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "S%06zu", index);
  return std::string(departement) + digits;
}

Result<wire::RegistrationT> generate_departement(std::string_view code, std::size_t count, std::uint64_t seed) {
  const SimulatedDepartement* departement = find_simulated_departement(code);
  if (departement == nullptr) {
    return make_error(wire::Status::invalid, "département « " + std::string(code) +
                                                 " » non pris en charge par le simulateur (disponibles : " +
                                                 simulated_departement_list() + ")");
  }
  if (count == 0 || count > kMaxSimulatedFacilities) {
    return make_error(wire::Status::invalid, "nombre d'établissements simulés : de 1 à " +
                                                 std::to_string(kMaxSimulatedFacilities));
  }
  wire::RegistrationT registration;
  for (std::size_t i = 0; i < count; ++i) {
    // One stream per facility: facility i is the same whatever the count.
    SimulationRandom random(derived_seed(seed, i + 1));
    registration.facilities.push_back(std::make_unique<wire::FacilityT>(make_facility(random, *departement, i)));
  }
  return registration;
}

}  // namespace dispo::publishers
