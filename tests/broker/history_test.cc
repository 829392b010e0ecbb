// The history replay and the aggregates rebuilt from it (capacity at a past moment, the export
// series), on a known history written straight into a real RocksDB event log.
#include "reports/history.h"

#include <gtest/gtest.h>

#include "reports/capacity.h"
#include "event_log_builder.h"
#include "reports/export_series.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

using namespace testing_history;

constexpr std::int64_t kStaleAfter = 12 * kHour;

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_ / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    log_ = std::make_unique<EventLog>(*store_);
  }

  const UnitRecord& unit_of(const Picture& picture, const std::string& facility, const std::string& unit) {
    return *picture.index.facility(facility)->unit(unit);
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(HistoryTest, ReplayStopsAtTheSequenceOrTimeAsked) {
  log_->registered(kT0, facility("590000001", wire::FacilityKind::mecs, {unit("u1", 6, 17, 10)}));
  log_->changed(kT0 + kHour, "590000001", "u1", availability(10, 3, 7, kT0 + kHour));
  log_->request(kT0 + 2 * kHour, placement_request(3, kT0 + 2 * kHour));
  log_->changed(kT0 + 3 * kHour, "590000001", "u1", availability(10, 1, 9, kT0 + 3 * kHour));
  log_->commit();

  auto at_2 = replay(*store_, {2, std::nullopt});
  ASSERT_TRUE(at_2) << at_2.error().message;
  EXPECT_EQ(at_2->sequence, 2u);
  EXPECT_EQ(at_2->time, kT0 + kHour);
  EXPECT_EQ(unit_of(*at_2, "590000001", "u1").availability.available, 3);
  EXPECT_TRUE(at_2->requests.empty());

  auto before_last = replay(*store_, {std::nullopt, kT0 + 3 * kHour - 1});
  ASSERT_TRUE(before_last);
  EXPECT_EQ(before_last->sequence, 3u);
  EXPECT_EQ(unit_of(*before_last, "590000001", "u1").availability.available, 3);
  ASSERT_EQ(before_last->requests.count("R-3"), 1u);

  auto all = replay(*store_, {});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->sequence, 4u);
  EXPECT_EQ(unit_of(*all, "590000001", "u1").availability.available, 1);
  EXPECT_EQ(unit_of(*all, "590000001", "u1").unit.age_max, 17);
}

TEST_F(HistoryTest, ReRegistrationReplacesTheUnits) {
  log_->registered(kT0, facility("590000001", wire::FacilityKind::mecs, {unit("u1", 6, 17, 10), unit("u2", 0, 5, 4)}));
  log_->registered(kT0 + 1, facility("590000001", wire::FacilityKind::mecs, {unit("u2", 0, 5, 6)}));
  log_->changed(kT0 + 2, "590000001", "u1", availability(10, 3, 7, kT0 + 2));  // unit gone: ignored
  log_->commit();
  auto picture = replay(*store_, {});
  ASSERT_TRUE(picture);
  const FacilityRecord* record = picture->index.facility("590000001");
  ASSERT_NE(record, nullptr);
  ASSERT_EQ(record->units.size(), 1u);
  EXPECT_EQ(record->units[0].unit.installed, 6);
}

TEST_F(HistoryTest, CapacityCountsBandsFreshAgainstStaleAndWaitingRequests) {
  const std::int64_t at = kT0 + 20 * kHour;
  // A 6-17 unit (bands 6-10, 11-14, 15-17) confirmed 2 h before `at`, a 0-5 unit confirmed 13 h before.
  log_->registered(kT0, facility("590000001", wire::FacilityKind::mecs, {unit("u1", 6, 17, 10), unit("u2", 0, 5, 4)}));
  log_->changed(at - 13 * kHour, "590000001", "u2", availability(4, 2, 2, at - 13 * kHour));
  log_->changed(at - 2 * kHour, "590000001", "u1", availability(10, 3, 5, at - 2 * kHour, 1, 1));
  auto foreign = facility("620000001", wire::FacilityKind::mecs, {unit("u1", 0, 21, 8)}, "62");
  log_->registered(kT0, foreign);
  // Three on-call requests waiting 1 h, 2 h, 10 h; one court-ordered (OPP) waiting 30 h; one admitted.
  for (std::int64_t hours : {1, 2, 10}) {
    log_->request(kT0, placement_request(log_->next_sequence(), at - hours * kHour));
  }
  log_->request(kT0, placement_request(log_->next_sequence(), at - 30 * kHour, wire::Origin::ase_service, wire::LegalBasis::opp));
  auto admitted = placement_request(log_->next_sequence(), at - 50 * kHour, wire::Origin::court);
  admitted.state = wire::RequestState::admitted;
  log_->request(kT0, admitted);
  log_->commit();

  auto picture = replay(*store_, {std::nullopt, at});
  ASSERT_TRUE(picture);
  CapacityScope scope;
  scope.at_ms = at;
  scope.stale_after_ms = kStaleAfter;
  scope.departement = "59";
  scope.departements = {"59"};
  const auto report = capacity_report(picture->index, picture->requests, scope);

  ASSERT_EQ(report.rows.size(), 5u);  // 0-2, 3-5 (u2), 6-10, 11-14, 15-17 (u1)
  EXPECT_EQ(report.rows[0]->age_band, "0-2");
  EXPECT_EQ(report.rows[0]->free, 0u);
  EXPECT_EQ(report.rows[0]->stale, 2u);  // confirmed 13 h ago: not free
  EXPECT_EQ(report.rows[0]->installed, 4u);
  EXPECT_EQ(report.rows[2]->age_band, "6-10");
  EXPECT_EQ(report.rows[2]->free, 3u);
  EXPECT_EQ(report.rows[2]->reserved, 1u);
  EXPECT_EQ(report.rows[2]->closed, 1u);
  EXPECT_EQ(report.rows[4]->age_band, "15-17");
  EXPECT_EQ(report.rows[4]->installed, 10u);

  ASSERT_EQ(report.demand.size(), 4u);
  const auto& on_call = *report.demand[static_cast<int>(wire::Origin::on_call)];
  EXPECT_EQ(on_call.open, 3u);
  EXPECT_EQ(on_call.median_wait_s, 2 * 3600);
  EXPECT_EQ(on_call.p90_wait_s, 10 * 3600);
  EXPECT_EQ(on_call.longest_wait_s, 10 * 3600);
  EXPECT_EQ(report.demand[static_cast<int>(wire::Origin::court)]->open, 0u);
  EXPECT_EQ(report.court_unexecuted, 1u);
  EXPECT_EQ(report.court_longest_wait_s, 30 * 3600);

  // Judged 11 h earlier, u2 was still fresh.
  scope.at_ms = at - 11 * kHour;
  auto earlier = replay(*store_, {std::nullopt, scope.at_ms});
  ASSERT_TRUE(earlier);
  const auto before = capacity_report(earlier->index, earlier->requests, scope);
  ASSERT_FALSE(before.rows.empty());
  EXPECT_EQ(before.rows[0]->free, 2u);
  EXPECT_EQ(before.rows[0]->stale, 0u);
}

TEST_F(HistoryTest, ExportGivesOneRowPerDayAndKindWithDemandOnTheFirst) {
  log_->registered(kT0 + kHour, facility("590000001", wire::FacilityKind::mecs, {unit("u1", 6, 17, 10)}));
  log_->changed(kT0 + 2 * kHour, "590000001", "u1", availability(10, 4, 6, kT0 + 2 * kHour));
  log_->registered(kT0 + kDay + kHour, facility("590000002", wire::FacilityKind::foyer_urgence, {unit("u1", 0, 17, 5)}));
  log_->changed(kT0 + kDay + 2 * kHour, "590000002", "u1", availability(5, 2, 2, kT0 + kDay + 2 * kHour, 1));
  auto request = placement_request(log_->next_sequence(), kT0 + kDay + 3 * kHour);
  log_->request(kT0 + kDay + 3 * kHour, request);
  request.state = wire::RequestState::admitted;
  log_->request(kT0 + 2 * kDay + kHour, request);
  log_->commit();

  ExportScope scope;
  scope.from = "2026-09-21";
  scope.to = "2026-09-23";
  scope.departements = {"59"};
  scope.now_ms = kT0 + 10 * kDay;
  scope.stale_after_ms = kStaleAfter;
  auto result = export_series(*store_, scope);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->rows.size(), 5u);  // day 1: mecs; days 2 and 3: mecs and foyer_urgence
  const auto& day1 = *result->rows[0];
  EXPECT_EQ(day1.day, "2026-09-21");
  EXPECT_EQ(day1.free, 0u);  // confirmed at 02:00, stale at 23:59:59 with a 12 h limit
  EXPECT_EQ(day1.stale, 4u);
  const auto& day2_mecs = *result->rows[1];
  const auto& day2_foyer = *result->rows[2];
  EXPECT_EQ(day2_mecs.day, "2026-09-22");
  EXPECT_EQ(day2_mecs.kind, wire::FacilityKind::mecs);
  EXPECT_EQ(day2_mecs.requests_open, 1u);
  EXPECT_EQ(day2_mecs.requests_opened, 1u);
  EXPECT_EQ(day2_foyer.kind, wire::FacilityKind::foyer_urgence);
  EXPECT_EQ(day2_foyer.reserved, 1u);
  EXPECT_EQ(day2_foyer.requests_opened, 0u);
  const auto& day3 = *result->rows[3];
  EXPECT_EQ(day3.day, "2026-09-23");
  EXPECT_EQ(day3.requests_open, 0u);
  EXPECT_EQ(day3.requests_admitted, 1u);
  EXPECT_EQ(result->sequence, log_->sequence());
}

TEST_F(HistoryTest, ExportRefusesLongRangesAndBadDates) {
  ExportScope scope;
  scope.from = "2025-01-01";
  scope.to = "2026-01-02";
  scope.now_ms = kT0;
  auto too_long = export_series(*store_, scope);
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message.find("au plus 366 jours"), std::string::npos) << too_long.error().message;
  scope.to = "2025-02-30";
  EXPECT_FALSE(export_series(*store_, scope));
  scope.from = "2025-03-02";
  scope.to = "2025-03-01";
  EXPECT_FALSE(export_series(*store_, scope));
}

}  // namespace
}  // namespace dispo::broker
