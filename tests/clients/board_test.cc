#include "dispo/clients/board.h"

#include <chrono>
#include <functional>

#include <gtest/gtest.h>

#include "fake_broker.h"

namespace dispo::client {
namespace {

using std::chrono::milliseconds;
using testing::FakeBroker;
using testing::make_facility;

class BoardTest : public ::testing::Test {
 protected:
  BoardOptions options(std::string departement = "") {
    BoardOptions o;
    o.broker = broker.api();
    o.feed = broker.feed();
    o.departement = std::move(departement);
    o.silence_timeout = std::chrono::seconds(60);  // silence is tested on its own
    o.snapshot_timeout = milliseconds(2000);
    return o;
  }

  // Polls `board` until `done` holds, for at most 5 s; false on timeout.
  static bool poll_until(Board& board, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      board.poll(milliseconds(20));
    }
    return true;
  }

  static std::uint16_t available(const Board& board, const std::string& facility, std::size_t unit) {
    return board.facilities().at(facility).units.at(unit)->availability->available;
  }

  zmq::context_t context;
  FakeBroker broker{context, 5};
};

TEST_F(BoardTest, ConvergesFromSnapshotPlusEvents) {
  broker.seed(make_facility("590000001", "59", {2, 0}));
  broker.seed(make_facility("590000002", "59", {1}));
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  EXPECT_TRUE(board.in_sync());
  EXPECT_EQ(board.sequence(), 5u);
  EXPECT_EQ(board.stale_after_s(), 600u);
  ASSERT_EQ(board.facilities().size(), 2u);

  broker.change_availability("590000001", "u2", 4);
  broker.register_facility(make_facility("590000003", "59", {7}));
  ASSERT_TRUE(poll_until(board, [&] { return board.sequence() == 7; }));
  EXPECT_EQ(available(board, "590000001", 1), 4);
  EXPECT_EQ(available(board, "590000003", 0), 7);
  EXPECT_EQ(board.facilities().size(), 3u);
  EXPECT_EQ(board.resync_count(), 0u);
  EXPECT_EQ(broker.snapshots_served(), 1u);
}

TEST_F(BoardTest, RegistrationReplacesTheFacilityWholesale) {
  broker.seed(make_facility("590000001", "59", {2, 3}));
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  broker.register_facility(make_facility("590000001", "59", {9}));
  ASSERT_TRUE(poll_until(board, [&] { return board.sequence() == 6; }));
  ASSERT_EQ(board.facilities().at("590000001").units.size(), 1u);
  EXPECT_EQ(available(board, "590000001", 0), 9);
}

TEST_F(BoardTest, DropsEventsAtOrBelowTheSnapshotSequence) {
  broker.seed(make_facility("590000001", "59", {2}));
  // While the snapshot (at sequence 5) is on its way, the feed repeats events 4 and 5 with
  // values the snapshot already supersedes, then carries event 6.
  broker.before_next_snapshot_reply([](FakeBroker& b) {
    for (std::uint64_t old : {4u, 5u}) {
      wire::FeedEventT event;
      event.sequence = old;
      wire::AvailabilityChangedT changed;
      changed.facility_id = "590000001";
      changed.unit_id = "u1";
      changed.availability = std::make_unique<wire::AvailabilityT>();
      changed.availability->available = 99;
      event.change.Set(std::move(changed));
      b.publish_raw(event);
    }
    b.change_availability("590000001", "u1", 3);  // sequence 6
  });
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  ASSERT_TRUE(poll_until(board, [&] { return board.sequence() == 6; }));
  EXPECT_EQ(available(board, "590000001", 0), 3);
  EXPECT_EQ(board.resync_count(), 0u);
}

TEST_F(BoardTest, BuffersEventsThatArriveBeforeTheSnapshot) {
  broker.seed(make_facility("590000001", "59", {2}));
  broker.before_next_snapshot_reply([](FakeBroker& b) {
    b.change_availability("590000001", "u1", 1);  // 6, published ahead of the snapshot reply
    b.change_availability("590000001", "u1", 0);  // 7
  });
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  ASSERT_TRUE(poll_until(board, [&] { return board.sequence() == 7; }));
  EXPECT_EQ(available(board, "590000001", 0), 0);
  EXPECT_EQ(board.resync_count(), 0u);
}

TEST_F(BoardTest, GapTriggersAFreshSnapshot) {
  broker.seed(make_facility("590000001", "59", {2}));
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  broker.change_availability("590000001", "u1", 8, FakeBroker::Delivery::lose);  // 6 never arrives
  broker.change_availability("590000001", "u1", 5);                              // 7 does
  ASSERT_TRUE(poll_until(board, [&] { return board.resync_count() == 1 && board.in_sync(); }));
  EXPECT_EQ(board.sequence(), 7u);
  EXPECT_EQ(available(board, "590000001", 0), 5);
  EXPECT_EQ(broker.snapshots_served(), 2u);
  EXPECT_NE(board.last_resync_reason().find("gap"), std::string::npos);
  // The fresh snapshot asks for a state at least at the event that showed the gap: a cluster's
  // member still behind it sends the request to the leader instead of answering an older state.
  EXPECT_EQ(broker.last_snapshot_at_least(), 7u);
}

TEST_F(BoardTest, HeartbeatAheadTriggersAFreshSnapshot) {
  broker.seed(make_facility("590000001", "59", {2}));
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  broker.heartbeat();  // at 5: nothing missed
  broker.change_availability("590000001", "u1", 6, FakeBroker::Delivery::lose);  // 6, lost
  broker.heartbeat();  // says 6
  ASSERT_TRUE(poll_until(board, [&] { return board.resync_count() == 1 && board.in_sync(); }));
  EXPECT_EQ(board.sequence(), 6u);
  EXPECT_EQ(available(board, "590000001", 0), 6);
  EXPECT_NE(board.last_resync_reason().find("heartbeat"), std::string::npos);
  EXPECT_GE(broker.last_snapshot_at_least(), 6u) << "at least what the heartbeat said";
}

TEST_F(BoardTest, HeartbeatAtTheCurrentSequenceKeepsTheBoardInSync) {
  broker.seed(make_facility("590000001", "59", {2}));
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  broker.heartbeat();
  broker.change_availability("590000001", "u1", 1);
  broker.heartbeat();
  ASSERT_TRUE(poll_until(board, [&] { return board.sequence() == 6; }));
  board.poll(milliseconds(50));  // lets the trailing heartbeat in
  EXPECT_EQ(board.resync_count(), 0u);
  EXPECT_TRUE(board.in_sync());
}

TEST_F(BoardTest, SilentFeedTriggersAFreshSnapshot) {
  broker.seed(make_facility("590000001", "59", {2}));
  auto o = options();
  o.silence_timeout = milliseconds(100);
  Board board(context, o);
  ASSERT_TRUE(board.start().ok());
  ASSERT_TRUE(poll_until(board, [&] { return board.resync_count() >= 1 && board.in_sync(); }));
  EXPECT_GE(broker.snapshots_served(), 2u);
  EXPECT_NE(board.last_resync_reason().find("silent"), std::string::npos);
}

// The board receives only its département's topic: other territories' events never reach it,
// and their sequence numbers are not gaps (each event links to the previous one of its territory).
TEST_F(BoardTest, DepartementFilterReceivesOnlyItsTerritoryWithoutSeeingGaps) {
  broker.seed(make_facility("590000001", "59", {2}));
  broker.seed(make_facility("620000001", "62", {3}));
  Board board(context, options("59"));
  ASSERT_TRUE(board.start().ok());
  ASSERT_EQ(board.facilities().size(), 1u);
  EXPECT_TRUE(board.facilities().count("590000001"));

  broker.change_availability("620000001", "u1", 1);              // 6: another département
  broker.register_facility(make_facility("620000002", "62", {1}));  // 7: idem
  broker.register_facility(make_facility("590000002", "59", {4}));  // 8: ours
  ASSERT_TRUE(poll_until(board, [&] { return board.sequence() == 8; }));
  EXPECT_EQ(board.facilities().size(), 2u);
  EXPECT_EQ(available(board, "590000002", 0), 4);
  EXPECT_EQ(board.resync_count(), 0u);
  EXPECT_EQ(board.facilities().count("620000002"), 0u);
}

TEST_F(BoardTest, AvailabilityForAnUnknownFacilityTriggersAFreshSnapshot) {
  Board board(context, options());
  ASSERT_TRUE(board.start().ok());
  broker.register_facility(make_facility("590000009", "59", {1}), FakeBroker::Delivery::lose);  // 6
  broker.heartbeat(5);  // hides the loss from the heartbeat check
  wire::FeedEventT event;  // 7 arrives for a facility this board never saw
  event.sequence = 6;      // and claims to be next, as a buggy or mixed-up feed could
  wire::AvailabilityChangedT changed;
  changed.facility_id = "590000009";
  changed.unit_id = "u1";
  changed.availability = std::make_unique<wire::AvailabilityT>();
  event.change.Set(std::move(changed));
  broker.publish_raw(event);
  ASSERT_TRUE(poll_until(board, [&] { return board.resync_count() == 1 && board.in_sync(); }));
  EXPECT_EQ(board.facilities().count("590000009"), 1u);
}

TEST_F(BoardTest, StartTimesOutWhenTheBrokerDoesNotAnswer) {
  broker.answer_snapshots(false);
  auto o = options();
  o.snapshot_timeout = milliseconds(100);
  o.start_attempts = 2;
  Board board(context, o);
  const auto started = std::chrono::steady_clock::now();
  auto result = board.start();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, wire::Status::unavailable);
  EXPECT_NE(result.error().message.find("injoignable"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_FALSE(board.in_sync());
}

TEST_F(BoardTest, StartRejectsAMalformedEndpoint) {
  auto o = options();
  o.feed = "not an endpoint";
  Board board(context, o);
  auto result = board.start();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, wire::Status::invalid);
}

}  // namespace
}  // namespace dispo::client
