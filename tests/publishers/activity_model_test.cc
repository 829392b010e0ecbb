// ActivityModel: thousands of steps, each applied through the broker's own merge_update, are all
// accepted; the counts always add up; each kind of event moves the counts the way it says.
#include <gtest/gtest.h>

#include "model/availability_index.h"
#include "dispo/publishers/simulator.h"
#include "matching/validation.h"

namespace dispo::publishers {
namespace {

constexpr int kSteps = 20000;

wire::RegistrationT departement(std::size_t facilities = 60, std::uint64_t seed = 3) {
  auto registration = generate_departement("59", facilities, seed);
  EXPECT_TRUE(registration);
  return registration ? std::move(*registration) : wire::RegistrationT{};
}

// What the broker holds: its records, fed only through merge_update, as the real broker does.
class BrokerShadow {
 public:
  explicit BrokerShadow(const wire::RegistrationT& registration) {
    for (const auto& facility : registration.facilities) {
      broker::FacilityRecord record;
      record.facility = *facility;
      record.facility.units.clear();
      for (const auto& unit : facility->units) {
        broker::UnitRecord unit_record;
        unit_record.unit = *unit;
        unit_record.availability.installed = unit->installed;
        record.units.push_back(std::move(unit_record));
      }
      facilities_.emplace(facility->id, std::move(record));
    }
  }

  // Applies `update` like the broker; the refusal's message when it is refused.
  std::string apply(const wire::AvailabilityUpdateT& update) {
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::AvailabilityUpdate::Pack(builder, &update));
    const auto* packed = flatbuffers::GetRoot<wire::AvailabilityUpdate>(builder.GetBufferPointer());
    auto& facility = facilities_.at(update.facility_id);
    auto* unit = facility.unit(update.unit_id);
    if (unit == nullptr) return "unknown unit " + update.unit_id;
    auto merged = broker::merge_update(facility, *unit, *packed);
    if (!merged) return merged.error().message;
    unit->availability = *merged;
    return {};
  }

  const wire::AvailabilityT& availability(const std::string& facility, const std::string& unit) const {
    return facilities_.at(facility).unit(unit)->availability;
  }

 private:
  std::map<std::string, broker::FacilityRecord> facilities_;
};

bool same(const UnitCounts& counts, const wire::AvailabilityT& a) {
  return counts.installed == a.installed && counts.occupied == a.occupied && counts.available == a.available &&
         counts.reserved == a.reserved && counts.closed == a.closed && counts.free_24h == a.free_24h &&
         counts.free_72h == a.free_72h;
}

TEST(ActivityModelTest, ThousandsOfStepsAreAllAcceptedByTheBrokersRules) {
  const auto registration = departement();
  ActivityModel model(registration, 9);
  BrokerShadow broker(registration);
  ASSERT_GT(model.unit_count(), 100u);
  for (std::size_t unit = 0; unit < model.unit_count(); ++unit) {
    ASSERT_TRUE(model.counts(unit).consistent()) << model.facility_id(unit) << "/" << model.unit_id(unit);
    ASSERT_EQ(broker.apply(model.current_update(unit)), "") << "first round";
  }
  for (int n = 0; n < kSteps; ++n) {
    const auto step = model.step();
    const auto& counts = model.counts(step.unit);
    ASSERT_TRUE(counts.consistent()) << "step " << n;
    if (step.kind != StepKind::confirmation) {
      ASSERT_EQ(broker.apply(step.update), "") << "step " << n;
    }
    ASSERT_TRUE(same(counts, broker.availability(model.facility_id(step.unit), model.unit_id(step.unit))))
        << "step " << n << ": the model's state no longer follows what it sent";
  }
}

TEST(ActivityModelTest, EveryUpdateCarriesEveryCount) {
  const auto registration = departement(5);
  ActivityModel model(registration, 1);
  for (int n = 0; n < 500; ++n) {
    const auto step = model.step();
    const auto& u = step.update;
    EXPECT_EQ(u.facility_id, model.facility_id(step.unit));
    EXPECT_EQ(u.unit_id, model.unit_id(step.unit));
    ASSERT_TRUE(u.occupied && u.available && u.reserved && u.closed && u.free_24h && u.free_72h) << "step " << n;
    EXPECT_EQ(*u.occupied, model.counts(step.unit).occupied);
    EXPECT_EQ(*u.available, model.counts(step.unit).available);
  }
}

TEST(ActivityModelTest, EachKindOfEventMovesTheCountsAsItSays) {
  const auto registration = departement(30);
  ActivityModel model(registration, 17);
  for (int n = 0; n < kSteps; ++n) {
    std::vector<UnitCounts> before;
    for (std::size_t unit = 0; unit < model.unit_count(); ++unit) before.push_back(model.counts(unit));
    const auto step = model.step();
    const UnitCounts& b = before[step.unit];
    const UnitCounts& a = model.counts(step.unit);
    switch (step.kind) {
      case StepKind::admission:
        EXPECT_EQ(a.occupied, b.occupied + 1);
        EXPECT_EQ(a.available + a.reserved, b.available + b.reserved - 1);
        break;
      case StepKind::departure:
        EXPECT_EQ(a.occupied, b.occupied - 1);
        EXPECT_GE(a.available, b.available);
        break;
      case StepKind::announced_departure:
        EXPECT_EQ(a.free_72h, b.free_72h + 1);
        EXPECT_EQ(a.occupied, b.occupied);
        break;
      case StepKind::hold:
        EXPECT_EQ(a.reserved, b.reserved + 1);
        EXPECT_EQ(a.available, b.available - 1);
        break;
      case StepKind::hold_released:
        EXPECT_EQ(a.reserved, b.reserved - 1);
        EXPECT_EQ(a.available, b.available + 1);
        break;
      case StepKind::closure:
        EXPECT_EQ(a.closed, b.closed + 1);
        EXPECT_EQ(a.available, b.available - 1);
        break;
      case StepKind::reopening:
        EXPECT_EQ(a.available, b.available + 1);
        break;
      case StepKind::confirmation:
      case StepKind::count:
        EXPECT_TRUE(a.occupied == b.occupied && a.available == b.available && a.reserved == b.reserved &&
                    a.closed == b.closed && a.free_24h == b.free_24h && a.free_72h == b.free_72h);
        break;
    }
    if (::testing::Test::HasFailure()) FAIL() << "step " << n << " (" << step_kind_label(step.kind) << ")";
    for (std::size_t unit = 0; unit < model.unit_count(); ++unit) {
      if (unit == step.unit) continue;
      ASSERT_EQ(model.counts(unit).occupied, before[unit].occupied) << "a step changed another unit";
    }
  }
}

TEST(ActivityModelTest, AdmissionsAndDeparturesBothHappenAndOccupancyStaysRealistic) {
  const auto registration = departement();
  ActivityModel model(registration, 5);
  const int installed = model.total_installed();
  for (int n = 0; n < kSteps; ++n) {
    model.step();
    if (n % 1000 == 999) {
      const double occupancy = static_cast<double>(model.total_occupied()) / installed;
      EXPECT_GT(occupancy, 0.6) << "after " << n + 1 << " steps";
      EXPECT_LE(occupancy, 1.0) << "after " << n + 1 << " steps";
    }
  }
  const auto& kinds = model.steps_by_kind();
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    EXPECT_GT(kinds[k], 0u) << step_kind_label(static_cast<StepKind>(k)) << " never happened";
  }
  const auto admissions = kinds[static_cast<std::size_t>(StepKind::admission)];
  const auto departures = kinds[static_cast<std::size_t>(StepKind::departure)];
  EXPECT_GT(admissions, kSteps / 10);
  EXPECT_GT(departures, kSteps / 10);
  EXPECT_LT(admissions > departures ? admissions - departures : departures - admissions, kSteps / 20u)
      << "admissions and departures should balance out";
}

TEST(ActivityModelTest, SameSeedSameSteps) {
  const auto registration = departement(20);
  ActivityModel a(registration, 42), b(registration, 42), c(registration, 43);
  bool differs_from_other_seed = false;
  for (int n = 0; n < 2000; ++n) {
    const auto x = a.step(), y = b.step(), z = c.step();
    ASSERT_EQ(x.unit, y.unit) << "step " << n;
    ASSERT_EQ(x.kind, y.kind) << "step " << n;
    ASSERT_EQ(x.update.occupied, y.update.occupied) << "step " << n;
    differs_from_other_seed = differs_from_other_seed || x.unit != z.unit || x.kind != z.kind;
  }
  EXPECT_TRUE(differs_from_other_seed);
}

TEST(ActivityModelTest, StartsMostlyFullWithSomePlacesFree) {
  const auto registration = departement(100);
  ActivityModel model(registration, 1);
  const double occupancy = static_cast<double>(model.total_occupied()) / model.total_installed();
  EXPECT_GT(occupancy, 0.7);
  EXPECT_LT(occupancy, 1.0);
  EXPECT_GT(model.total_available(), 0);
}

}  // namespace
}  // namespace dispo::publishers
