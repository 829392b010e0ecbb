// The simulated département behind dispo-sim, in two pure, deterministic parts:
//  - generate_departement(): facilities and units of a département (real communes, a realistic
//    mix of kinds, capacities, ages, sibling groups and specialisations) that pass the broker's
//    and the CSV reader's rules;
//  - ActivityModel: admissions, departures, announced departures, holds, closures and "still
//    current" confirmations, one unit at a time, as availability updates that are always
//    consistent (available + occupied + reserved + closed <= installed).
// No I/O, no clock: the same seed gives the same facilities and the same steps on every machine.
// The free functions are thread-safe; an ActivityModel is not (one per thread).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/result.h"
#include "dispo/schemas/wire.h"

namespace dispo::publishers {

// ---------------------------------------------------------------- communes

// A real commune: INSEE code, name, approximate centre, and how many facilities it tends to host
// relative to the others of its département (larger towns host more).
struct Commune {
  std::string_view insee;
  std::string_view name;
  double lat;
  double lon;
  int weight;
};

// A département the simulator can populate.
struct SimulatedDepartement {
  std::string_view code;                        // "59"
  std::string_view name;                        // "Nord"
  std::span<const std::string_view> phone_areas;  // first digits of local numbers, "03 20"
  std::span<const Commune> communes;
  double jitter;  // largest distance, in degrees, between a facility and its commune's centre
};

// Every supported département, in the order of simulated_departement_list().
std::span<const SimulatedDepartement> simulated_departements();

// The département with this code, or nullptr.
const SimulatedDepartement* find_simulated_departement(std::string_view code);

// "59 (Nord), 62 (Pas-de-Calais), …" for messages and --help.
std::string simulated_departement_list();

// ---------------------------------------------------------------- generator

// Largest --facilities accepted (a large département has a few thousand units).
inline constexpr std::size_t kMaxSimulatedFacilities = 5000;

// "59S000042": the département, "S" for simulated, then 6 digits (index from 1). Never a FINESS
// number (9 digits), so simulated facilities never replace registered ones.
std::string simulated_facility_id(std::string_view departement, std::size_t index);

// `count` facilities of département `code`, each with its units, autorisé, in a commune of the
// département; identical for identical arguments. Errors (French, status invalid): unknown
// département (the message lists the supported ones), count 0 or above kMaxSimulatedFacilities.
Result<wire::RegistrationT> generate_departement(std::string_view code, std::size_t count,
                                                 std::uint64_t seed);

// ---------------------------------------------------------------- activity

// The counts of one unit, as the model last sent them. free_24h <= free_72h <= occupied: the
// places expected to free up within 72 h include those within 24 h.
struct UnitCounts {
  int installed = 0;
  int occupied = 0;
  int available = 0;
  int reserved = 0;
  int closed = 0;
  int free_24h = 0;
  int free_72h = 0;

  // Counts the broker accepts and that make sense (see above).
  bool consistent() const;
};

enum class StepKind : std::size_t {
  admission,            // a child arrives: occupied + 1 (on an available or a held place)
  departure,            // a child leaves: occupied - 1, the place is available again (or not staffed)
  announced_departure,  // a departure is expected within 72 h (sometimes 24 h)
  hold,                 // a place is held while a worker phones: available -> reserved
  hold_released,        // the hold ends without an admission: reserved -> available
  closure,              // a place closes (staff missing, works): available -> closed
  reopening,            // a closed or unstaffed place becomes available again
  confirmation,         // "still current": nothing changed, the unit confirms its counts
  count
};
inline constexpr std::size_t kStepKinds = static_cast<std::size_t>(StepKind::count);

// "admission", "départ", … (French, for summaries).
std::string_view step_kind_label(StepKind kind);

// What to send for one step. `update` carries every count of the unit after the step (so the
// broker's state equals the model's whatever it held before); a confirmation sends no update.
struct SimulatedStep {
  StepKind kind = StepKind::confirmation;
  std::size_t unit = 0;  // index in the model's units
  wire::AvailabilityUpdateT update;
};

class ActivityModel {
 public:
  // Every unit of `registration` starts from a plausible, mostly full occupancy drawn from `seed`.
  ActivityModel(const wire::RegistrationT& registration, std::uint64_t seed);

  std::size_t unit_count() const { return units_.size(); }
  const std::string& facility_id(std::size_t unit) const { return units_[unit].facility_id; }
  const std::string& unit_id(std::size_t unit) const { return units_[unit].unit_id; }
  const UnitCounts& counts(std::size_t unit) const { return units_[unit].counts; }

  // The unit's current counts as a full update (for the first round and re-publication).
  wire::AvailabilityUpdateT current_update(std::size_t unit) const;

  // Picks a unit and an event that is possible for it, applies it and returns what to send.
  SimulatedStep step();

  // Steps taken so far, by kind.
  const std::array<std::uint64_t, kStepKinds>& steps_by_kind() const { return steps_by_kind_; }
  // Sums over every unit.
  int total_installed() const;
  int total_available() const;
  int total_occupied() const;

 private:
  struct ModelUnit {
    std::string facility_id;
    std::string unit_id;
    UnitCounts counts;
  };

  std::vector<ModelUnit> units_;
  std::uint64_t random_state_;  // of a SimulationRandom (internal), kept here between steps
  std::array<std::uint64_t, kStepKinds> steps_by_kind_{};
};

}  // namespace dispo::publishers
