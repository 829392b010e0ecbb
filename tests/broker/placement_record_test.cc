// The written record through the Dispatcher, on a known event log: every unit of the
// département listed with its reason, "none suitable" when none is, the history from the log,
// and the same record again when asked at the sequence and time it said it stood at.
#include "reports/placement_record.h"

#include <gtest/gtest.h>

#include "server/dispatcher.h"
#include "event_log_builder.h"
#include "reports/history.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

using namespace testing_history;
using wire::RefusalReason;

class PlacementRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_ / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    EventLog log(*store_);
    auto full = facility("590000001", wire::FacilityKind::mecs, {unit("u1", 6, 17, 10)});
    log.registered(kT0, full);
    log.changed(kT0 + kHour, "590000001", "u1", availability(10, 0, 10, kT0 + kHour));
    auto young = facility("590000002", wire::FacilityKind::pouponniere, {unit("bébés", 0, 3, 6)});
    log.registered(kT0, young);
    log.changed(kT0 + kHour, "590000002", "bébés", availability(6, 2, 4, kT0 + kHour));
    auto stale = facility("590000003", wire::FacilityKind::mecs, {unit("u1", 6, 17, 8, 2)});
    log.registered(kT0, stale);
    stale_available_ = log.changed(kT0 + kHour, "590000003", "u1", availability(8, 2, 6, kT0 - 20 * kHour));
    log.registered(kT0, facility("620000001", wire::FacilityKind::mecs, {unit("u1", 0, 21, 8)}, "62"));
    request_ = placement_request(log.next_sequence(), kT0 + 2 * kHour, wire::Origin::court, wire::LegalBasis::judgment_375);
    request_.criteria->children.push_back(child(10, wire::ChildSex::fille));
    log.request(kT0 + 2 * kHour, request_, "juge-59");
    log.changed(kT0 + 3 * kHour, "590000001", "u1", availability(10, 0, 10, kT0 + 3 * kHour));
    log.commit();

    auto picture = replay(*store_, {});
    ASSERT_TRUE(picture);
    state_.index = std::move(picture->index);
    state_.workflow.requests = std::move(picture->requests);
    state_.sequence = picture->sequence;
    replies_ = std::make_unique<ReplyCache>(*store_);
    dispatcher_ = std::make_unique<Dispatcher>(state_, *replies_, *store_, 1u << 20);
  }

  std::string ask(std::optional<std::uint64_t> sequence = std::nullopt, std::optional<std::int64_t> at = std::nullopt) {
    wire::RequestT request;
    request.request_id = 7;
    request.client_id = "record-test";
    wire::RecordRequestT record;
    record.request_id = request_.id;
    record.sequence = sequence;
    record.at = at;
    request.body.Set(std::move(record));
    PendingCommit pending(store_->batch());
    return dispatcher_->handle("test", Principals::local(), wire::pack(request), pending, kNow, "2026-09-21");
  }

  static std::unique_ptr<wire::PlacementRecordT> record_of(const std::string& reply) {
    auto message = wire::decode(reply.data(), reply.size());
    if (!message || (*message)->body_as_Reply() == nullptr) return nullptr;
    const auto* body = (*message)->body_as_Reply()->body_as_PlacementRecord();
    if (body == nullptr) {
      ADD_FAILURE() << "refused: " << wire::EnumNameStatus((*message)->body_as_Reply()->status()) << " "
                    << ((*message)->body_as_Reply()->message() ? (*message)->body_as_Reply()->message()->str() : "");
      return nullptr;
    }
    return std::unique_ptr<wire::PlacementRecordT>(body->UnPack());
  }

  std::uint64_t request_sequence() const { return std::stoull(request_.id.substr(2)); }

  static constexpr std::int64_t kNow = kT0 + 4 * kHour;
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  BrokerState state_;
  std::unique_ptr<ReplyCache> replies_;
  std::unique_ptr<Dispatcher> dispatcher_;
  wire::PlacementRequestT request_;
  std::uint64_t stale_available_ = 0;
};

TEST_F(PlacementRecordTest, EveryUnitOfTheDepartementWithItsReasonAndNoneSuitable) {
  auto record = record_of(ask());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->sequence, state_.sequence);
  EXPECT_EQ(record->at, kNow);
  EXPECT_EQ(record->suitable, 0u);
  ASSERT_EQ(record->considered.size(), 3u);  // the 62 facility is not considered
  EXPECT_EQ(record->considered[0]->facility_id, "590000001");
  EXPECT_EQ(record->considered[0]->reason, RefusalReason::full);
  EXPECT_EQ(record->considered[1]->reason, RefusalReason::age);
  EXPECT_EQ(record->considered[1]->unit_id, "bébés");
  EXPECT_EQ(record->considered[2]->reason, RefusalReason::stale);
  EXPECT_NE(record->considered[2]->detail.find("confirmée(s) il y a 24 h"), std::string::npos)
      << record->considered[2]->detail;
  for (const auto& considered : record->considered) EXPECT_FALSE(considered->suitable);
  ASSERT_EQ(record->history.size(), 1u);
  EXPECT_EQ(record->history[0]->by, "juge-59");
  EXPECT_NE(record->history[0]->what.find("demande ouverte"), std::string::npos);
  ASSERT_TRUE(record->request);
  EXPECT_EQ(record->request->child_ref, request_.child_ref);
}

TEST_F(PlacementRecordTest, AskingAtTheSequenceAndTimeItStoodAtGivesTheSameRecord) {
  const std::string now = ask();
  auto record = record_of(now);
  ASSERT_TRUE(record);
  EXPECT_EQ(ask(record->sequence, record->at), now);
}

TEST_F(PlacementRecordTest, AnEarlierSequenceIsJudgedAtItsOwnTime) {
  // Just after the request opened: the stale facility was confirmed 22 h before, still stale;
  // at its own time the record says so, with the history up to that sequence only.
  auto earlier = record_of(ask(request_sequence()));
  ASSERT_TRUE(earlier);
  EXPECT_EQ(earlier->at, kT0 + 2 * kHour);
  EXPECT_EQ(earlier->suitable, 0u);
  EXPECT_EQ(earlier->history.size(), 1u);
  // Before the request existed, there is nothing to record.
  auto reply = ask(stale_available_);
  auto message = wire::decode(reply.data(), reply.size());
  ASSERT_TRUE(message);
  EXPECT_EQ((*message)->body_as_Reply()->status(), wire::Status::unknown_request);
  // A time before the sequence's own event is refused.
  auto before = ask(request_sequence(), kT0);
  auto refused = wire::decode(before.data(), before.size());
  EXPECT_EQ((*refused)->body_as_Reply()->status(), wire::Status::invalid);
}

TEST_F(PlacementRecordTest, ASuitablePlaceIsCounted) {
  state_.index.facility("590000003")->units[0].availability.confirmed_at = kNow - kHour;
  auto record = record_of(ask());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->suitable, 1u);
  EXPECT_TRUE(record->considered[2]->suitable);
  EXPECT_NE(record->considered[2]->detail.find("enfant 1 et enfant 2"), std::string::npos) << record->considered[2]->detail;
}

}  // namespace
}  // namespace dispo::broker
