// ActivityModel: one event at a time on one unit, always one that is possible for it (no
// admission without a free or held place, no departure from an empty unit), so that the counts
// the model sends stay consistent and the broker accepts every update.
#include <algorithm>
#include <cmath>

#include "dispo/publishers/simulator.h"
#include "simulation_random.h"

namespace dispo::publishers {
namespace {

constexpr std::uint64_t kInitialPurpose = 0x1A11;
constexpr std::uint64_t kStepPurpose = 0x57E9;

// Chance that a place freed by a departure is staffed at once (empty is not available).
constexpr double kStaffedAfterDeparture = 0.85;

int unstaffed(const UnitCounts& c) { return c.installed - c.available - c.occupied - c.reserved - c.closed; }

// How likely each event is on a unit, relative to the others (0: impossible). Like in a real
// unit, each free place is taken about thirteen times faster than each child leaves (demand exceeds
// supply: units run around 90 % full), holds and closures are short-lived, and a unit confirms
// its counts now and then.
int weight(StepKind kind, const UnitCounts& c) {
  switch (kind) {
    case StepKind::admission: return 40 * (c.available + c.reserved);
    case StepKind::departure: return 3 * c.occupied;
    case StepKind::announced_departure: return c.occupied - c.free_72h;
    case StepKind::hold: return 2 * c.available;
    case StepKind::hold_released: return 6 * c.reserved;
    case StepKind::closure: return c.available > 0 ? 1 : 0;
    case StepKind::reopening: return 6 * (c.closed + unstaffed(c));
    case StepKind::confirmation: return 2 + c.installed / 2;
    case StepKind::count: break;
  }
  return 0;
}

void apply(StepKind kind, UnitCounts& c, SimulationRandom& random) {
  switch (kind) {
    case StepKind::admission:
      if (c.reserved > 0 && (c.available == 0 || random.chance(0.5))) {
        --c.reserved;
      } else {
        --c.available;
      }
      ++c.occupied;
      break;
    case StepKind::departure:
      --c.occupied;
      if (c.free_24h > 0) {
        --c.free_24h;
        --c.free_72h;
      } else if (c.free_72h > 0 && random.chance(0.5)) {
        --c.free_72h;
      }
      c.free_72h = std::min(c.free_72h, c.occupied);
      c.free_24h = std::min(c.free_24h, c.free_72h);
      if (random.chance(kStaffedAfterDeparture)) ++c.available;
      break;
    case StepKind::announced_departure:
      ++c.free_72h;
      if (random.chance(0.4)) ++c.free_24h;
      break;
    case StepKind::hold:
      --c.available;
      ++c.reserved;
      break;
    case StepKind::hold_released:
      --c.reserved;
      ++c.available;
      break;
    case StepKind::closure:
      --c.available;
      ++c.closed;
      break;
    case StepKind::reopening:
      if (c.closed > 0 && (unstaffed(c) == 0 || random.chance(0.5))) --c.closed;
      ++c.available;
      break;
    case StepKind::confirmation:
    case StepKind::count:
      break;
  }
}

// A plausible starting point: ASE units run mostly full.
UnitCounts initial_counts(int installed, SimulationRandom& random) {
  UnitCounts c;
  c.installed = installed;
  c.occupied = std::min(installed, static_cast<int>(std::lround(installed * (0.7 + 0.3 * random.uniform()))));
  int left = installed - c.occupied;
  if (left > 0 && random.chance(0.08)) c.closed = 1;
  left -= c.closed;
  if (left > 0 && random.chance(0.05)) c.reserved = 1;
  left -= c.reserved;
  c.available = left;
  if (c.available > 0 && random.chance(0.15)) --c.available;  // a free place nobody can staff
  if (c.occupied > 0 && random.chance(0.3)) {
    c.free_72h = random.between(1, std::min(2, c.occupied));
    if (random.chance(0.5)) c.free_24h = random.between(0, c.free_72h);
  }
  return c;
}

std::uint16_t u16(int value) { return static_cast<std::uint16_t>(value); }

}  // namespace

bool UnitCounts::consistent() const {
  const bool non_negative = installed >= 0 && occupied >= 0 && available >= 0 && reserved >= 0 && closed >= 0 &&
                            free_24h >= 0 && free_72h >= 0;
  return non_negative && available + occupied + reserved + closed <= installed && free_24h <= free_72h &&
         free_72h <= occupied;
}

std::string_view step_kind_label(StepKind kind) {
  switch (kind) {
    case StepKind::admission: return "admissions";
    case StepKind::departure: return "départs";
    case StepKind::announced_departure: return "départs annoncés";
    case StepKind::hold: return "réservations";
    case StepKind::hold_released: return "fins de réservation";
    case StepKind::closure: return "fermetures";
    case StepKind::reopening: return "réouvertures";
    case StepKind::confirmation: return "confirmations";
    case StepKind::count: break;
  }
  return "?";
}

ActivityModel::ActivityModel(const wire::RegistrationT& registration, std::uint64_t seed)
    : random_state_(derived_seed(seed, kStepPurpose)) {
  SimulationRandom random(derived_seed(seed, kInitialPurpose));
  for (const auto& facility : registration.facilities) {
    for (const auto& unit : facility->units) {
      units_.push_back(ModelUnit{facility->id, unit->id, initial_counts(unit->installed, random)});
    }
  }
}

wire::AvailabilityUpdateT ActivityModel::current_update(std::size_t unit) const {
  const ModelUnit& u = units_[unit];
  wire::AvailabilityUpdateT update;
  update.facility_id = u.facility_id;
  update.unit_id = u.unit_id;
  update.occupied = u16(u.counts.occupied);
  update.available = u16(u.counts.available);
  update.reserved = u16(u.counts.reserved);
  update.closed = u16(u.counts.closed);
  update.free_24h = u16(u.counts.free_24h);
  update.free_72h = u16(u.counts.free_72h);
  return update;
}

SimulatedStep ActivityModel::step() {
  SimulatedStep step;
  if (units_.empty()) return step;
  SimulationRandom random(random_state_);
  step.unit = random.below(units_.size());
  UnitCounts& counts = units_[step.unit].counts;

  int weights[kStepKinds];
  for (std::size_t k = 0; k < kStepKinds; ++k) weights[k] = std::max(weight(static_cast<StepKind>(k), counts), 0);
  step.kind = static_cast<StepKind>(random.weighted(weights));
  UnitCounts next = counts;
  apply(step.kind, next, random);
  if (next.consistent()) {
    counts = next;
  } else {
    step.kind = StepKind::confirmation;  // cannot happen by construction; never send a bad count
  }

  random_state_ = random.state();
  ++steps_by_kind_[static_cast<std::size_t>(step.kind)];
  step.update = current_update(step.unit);
  return step;
}

int ActivityModel::total_installed() const {
  int total = 0;
  for (const auto& unit : units_) total += unit.counts.installed;
  return total;
}

int ActivityModel::total_available() const {
  int total = 0;
  for (const auto& unit : units_) total += unit.counts.available;
  return total;
}

int ActivityModel::total_occupied() const {
  int total = 0;
  for (const auto& unit : units_) total += unit.counts.occupied;
  return total;
}

}  // namespace dispo::publishers
