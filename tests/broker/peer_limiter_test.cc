// PeerLimiter: a token bucket per principal (or connection): a burst at once, then the rate.
#include "access/peer_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace dispo::broker {
namespace {

using namespace std::chrono_literals;

int admitted(PeerLimiter& limiter, std::string_view peer, int requests, PeerLimiter::Clock::time_point now) {
  int count = 0;
  for (int i = 0; i < requests; ++i) count += limiter.admit(peer, now) ? 1 : 0;
  return count;
}

TEST(PeerLimiterTest, ABurstIsAdmittedThenTheRate) {
  PeerLimiter limiter(10, 100);
  const auto start = PeerLimiter::Clock::now();
  EXPECT_EQ(admitted(limiter, "astreinte-59", 150, start), 100) << "the burst, at once";
  EXPECT_FALSE(limiter.admit("astreinte-59", start + 50ms)) << "half a token after 50 ms at 10/s";
  EXPECT_EQ(admitted(limiter, "astreinte-59", 10, start + 1s), 10) << "10 more a second later";
  EXPECT_FALSE(limiter.admit("astreinte-59", start + 1s));
}

TEST(PeerLimiterTest, EachPeerHasItsOwnBucket) {
  PeerLimiter limiter(1, 5);
  const auto now = PeerLimiter::Clock::now();
  EXPECT_EQ(admitted(limiter, "flooder", 50, now), 5);
  EXPECT_EQ(admitted(limiter, "chu-lille", 5, now), 5) << "another peer is not held back by the flooder";
}

TEST(PeerLimiterTest, AnIdleBucketRefillsOnlyToTheBurst) {
  PeerLimiter limiter(10, 20);
  const auto start = PeerLimiter::Clock::now();
  EXPECT_EQ(admitted(limiter, "etab", 20, start), 20);
  EXPECT_EQ(admitted(limiter, "etab", 100, start + 1h), 20) << "an hour of silence buys one burst, not 36,000";
}

TEST(PeerLimiterTest, RateZeroMeansNoLimit) {
  PeerLimiter limiter(0, 0);
  EXPECT_EQ(admitted(limiter, "bench", 100'000, PeerLimiter::Clock::now()), 100'000);
}

TEST(PeerLimiterTest, ManyPeersDoNotGrowWithoutBoundAndKeepTheirLimit) {
  PeerLimiter limiter(1, 2);
  const auto start = PeerLimiter::Clock::now();
  for (int i = 0; i < 30'000; ++i) ASSERT_TRUE(limiter.admit("peer-" + std::to_string(i), start + i * 1ms));
  // The newest peers' buckets are still there (not forgotten while not yet refilled).
  const auto late = start + 30'000ms;
  EXPECT_EQ(admitted(limiter, "peer-29999", 5, late), 1) << "one token left of its burst of 2";
}

}  // namespace
}  // namespace dispo::broker
