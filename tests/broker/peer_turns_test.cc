#include "access/peer_turns.h"

#include <gtest/gtest.h>

namespace dispo::broker {
namespace {

using std::chrono::microseconds;

PeerTurns::Frames request(const std::string& peer, const std::string& body) {
  PeerTurns::Frames frames;
  frames.emplace_back(peer.data(), peer.size());
  frames.emplace_back(body.data(), body.size());
  return frames;
}

std::string body_of(const PeerTurns::Turn& turn) { return turn.frames.back().to_string(); }

TEST(PeerTurnsTest, AFloodingPeerTakesOnlyItsShareAndAnotherIsServedInTheSameBatch) {
  PeerTurns turns(4, std::chrono::seconds(1));
  for (int i = 0; i < 100; ++i) turns.push("flooder", request("flooder", "f" + std::to_string(i)));
  turns.push("worker", request("worker", "search"));
  turns.start_batch();
  std::vector<std::string> served;
  while (auto turn = turns.next()) served.push_back(body_of(*turn));
  // The flooder's share (4) and the worker's one request, in turn; the rest waits.
  EXPECT_EQ(served, (std::vector<std::string>{"f0", "search", "f1", "f2", "f3"}));
  EXPECT_EQ(turns.size(), 96u);
}

TEST(PeerTurnsTest, APeersRequestsStayInOrderAcrossBatches) {
  PeerTurns turns(3, std::chrono::seconds(1));
  for (int i = 0; i < 7; ++i) turns.push("publisher", request("publisher", std::to_string(i)));
  std::vector<std::string> served;
  for (int batch = 0; batch < 3; ++batch) {
    turns.start_batch();
    while (auto turn = turns.next()) served.push_back(body_of(*turn));
  }
  EXPECT_EQ(served, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6"}));
  EXPECT_TRUE(turns.empty());
  EXPECT_EQ(turns.bytes(), 0u);
}

TEST(PeerTurnsTest, APeerThatSpentItsTimeWaitsForTheNextBatch) {
  PeerTurns turns(100, microseconds(2000));
  for (int i = 0; i < 10; ++i) turns.push("slow", request("slow", std::to_string(i)));
  turns.push("quick", request("quick", "q"));
  turns.start_batch();
  auto first = turns.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->peer, "slow");
  turns.charge("slow", microseconds(2500));  // one costly search: its share of this batch is used
  auto second = turns.next();
  ASSERT_TRUE(second);
  EXPECT_EQ(body_of(*second), "q");
  EXPECT_FALSE(turns.next());  // only the slow peer waits, and it had its share
  turns.start_batch();
  auto again = turns.next();
  ASSERT_TRUE(again);
  EXPECT_EQ(body_of(*again), "1");
}

}  // namespace
}  // namespace dispo::broker
