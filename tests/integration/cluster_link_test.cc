// Issue #16, the traffic between members: with the broker's CURVE key, members speak to each
// other through their member links (broker/src/replication/member_link.h) — encrypted and
// authenticated — and libraft's own TCP stays on loopback. A RaftLinkProxy in front of each link
// sees every byte between the members: the facilities' data never goes through in clear, while
// the same data is seen in clear between members without the key (the sniffer works).
#include <gtest/gtest.h>

#include "test_cluster.h"

namespace dispo::testing {
namespace {

// A name only this facility's data carries (make_facility names it "Établissement <id>").
constexpr const char* kSeen = "Établissement 590000016";

void write_through(zmq::context_t& context, Cluster& cluster) {
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 2, 20)))) << cluster.logs();
  std::uint64_t last = 0;
  for (int value = 1; value <= 20; ++value) {
    auto updated = admin.call(update_of(kFacility, "u1", value));
    ASSERT_TRUE(updated) << updated.error().message;
    last = (*updated)->sequence();
  }
  wait_all_reach(context, cluster, last);
  for (int i = 0; i < kMembers; ++i) EXPECT_EQ(sequence_of(context, cluster.member(i)), last) << cluster.logs();
}

TEST(ClusterLinkTest, MembersSharingTheBrokersKeyReplicateOverCurveAndNothingTravelsInClear) {
  Cluster cluster(/*metrics=*/false, /*proxied=*/true, /*curve=*/true);
  zmq::context_t context;
  ASSERT_NO_FATAL_FAILURE(write_through(context, cluster));
  for (int i = 0; i < kMembers; ++i) EXPECT_FALSE(cluster.proxy(i).saw(kSeen)) << "member " << i + 1 << " got it in clear";
  stop_all_with_the_same_event_log(cluster);
}

TEST(ClusterLinkTest, WithoutTheKeyTheSameDataTravelsInClearOnLoopback) {
  Cluster cluster(/*metrics=*/false, /*proxied=*/true);
  zmq::context_t context;
  ASSERT_NO_FATAL_FAILURE(write_through(context, cluster));
  bool seen = false;
  for (int i = 0; i < kMembers; ++i) seen = seen || cluster.proxy(i).saw(kSeen);
  EXPECT_TRUE(seen) << "the sniffer saw nothing: the test above would prove nothing";
}

}  // namespace
}  // namespace dispo::testing
