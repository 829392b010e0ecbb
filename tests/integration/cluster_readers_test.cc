// Issue #16, readers and operators: a board given every member's feed goes through a leader kill
// without a resync; a follower's feed carries the alerts too; each member says its role, the
// leader it knows and its log on /metrics, and is ready (/readyz) only while it reaches a majority;
// its threads are named (three real members, test_cluster.h).
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "dispo/clients/alert_watch.h"
#include "dispo/clients/board.h"
#include "http_client.h"
#include "test_cluster.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int available_on(const client::Board& board, const std::string& facility, const std::string& unit) {
  const auto found = board.facilities().find(facility);
  if (found == board.facilities().end()) return -1;
  for (const auto& state : found->second.units)
    if (state && state->unit && state->unit->id == unit) return state->availability ? state->availability->available : -1;
  return -1;
}


// A board given every member's api and feed (as `dispo board --broker a,b,c --feed a,b,c` is):
// the leader's death costs it nothing — the followers' copies of the same events, under the same
// sequence numbers, keep it live without a snapshot.
TEST(ClusterTest, ABoardHearingEveryMemberFollowsALeaderKillWithoutAResync) {
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 2, 20)))) << cluster.logs();
  ASSERT_TRUE(admin.call(update_of(kFacility, "u1", 5)));

  // The leader first in both lists: a board that heard only the first member would go silent.
  client::BoardOptions options;
  options.broker = all_members(cluster, &BrokerProcess::api, admin.leader());
  options.feed = all_members(cluster, &BrokerProcess::feed, admin.leader());
  options.departement = "59";
  client::Board board(context, options);
  auto started = board.start();
  ASSERT_TRUE(started) << started.error().message;
  auto shows = [&](int value) {
    for (auto until = Clock::now() + 20s; Clock::now() < until;) {
      if (available_on(board, kFacility, "u1") == value) return true;
      board.poll(50ms);
    }
    return false;
  };
  ASSERT_TRUE(shows(5));
  // A first snapshot from a follower a little behind is followed by a resync (the leader's
  // heartbeat is ahead of it): what is measured is the kill.
  const std::uint64_t resyncs_before_kill = board.resync_count();

  cluster.member(admin.leader()).kill9();
  auto updated = admin.call(update_of(kFacility, "u1", 6));  // taken by the new leader
  ASSERT_TRUE(updated) << updated.error().message << "\n" << cluster.logs();
  EXPECT_TRUE(shows(6)) << "the board shows " << available_on(board, kFacility, "u1");
  EXPECT_EQ(board.sequence(), (*updated)->sequence());
  EXPECT_EQ(board.resync_count(), resyncs_before_kill) << "resynchronised: " << board.last_resync_reason();
}


// A new place reaches the on-call worker through whichever member it listens to: a follower puts
// on its feed the alerts raised in the leader's batches, numbered as the leader numbered them, so
// a watch on a follower's feed alone hears them without fetching.
TEST(ClusterTest, AFollowersFeedCarriesTheAlertsRaisedInTheLeadersBatches) {
  Cluster cluster;
  zmq::context_t context;
  const std::string owner = "astreinte-59";  // without CURVE, alerts belong to the client id
  LeaderFollower worker(context, cluster, owner);
  ASSERT_TRUE(worker.call(registration_of(make_facility(kFacility, 1, 20)))) << cluster.logs();
  wire::SubscribeT subscribe;
  subscribe.subscription = std::make_unique<wire::SubscriptionT>();
  subscribe.subscription->kind = wire::SubscriptionKind::search;
  subscribe.subscription->query = std::make_unique<wire::SearchQueryT>();
  subscribe.subscription->query->departement = "59";
  subscribe.subscription->query->children.push_back(std::make_unique<wire::ChildT>());
  subscribe.subscription->query->children.back()->age = 9;
  wire::RequestBodyUnion body;
  body.Set(std::move(subscribe));
  ASSERT_TRUE(worker.call(std::move(body)));

  const int follower = (worker.leader() + 1) % kMembers;
  client::AlertWatchOptions options;
  options.session = {cluster.member(follower).api(), 2s, 2, owner};
  options.feed = cluster.member(follower).feed();
  // Quiet for this long, a watch fetches: the second alert must come sooner, on the feed.
  options.refetch_interval = 5s;
  client::AlertWatch watch(context, options);
  ASSERT_TRUE(watch.start());
  auto next_alert = [&]() -> std::optional<wire::AlertT> {
    for (auto until = Clock::now() + 20s; Clock::now() < until;) {
      auto alerts = watch.poll(100ms);
      if (!alerts) return std::nullopt;
      if (!alerts->empty()) return alerts->front();
    }
    return std::nullopt;
  };
  // The first place opens (its alert may come by a fetch: the watch's subscription may not have
  // reached the follower yet), closes, and opens again.
  ASSERT_TRUE(worker.call(update_of(kFacility, "u1", 1, 0)));
  const auto first = next_alert();
  ASSERT_TRUE(first) << cluster.logs();
  EXPECT_EQ(first->number, 1u);
  const std::uint64_t fetches = watch.fetches();
  ASSERT_TRUE(worker.call(update_of(kFacility, "u1", 0, 1)));
  ASSERT_TRUE(worker.call(update_of(kFacility, "u1", 1, 0)));
  EXPECT_EQ(worker.leader(), (follower + kMembers - 1) % kMembers) << "the leader changed: the test is off";
  const auto second = next_alert();
  ASSERT_TRUE(second) << cluster.logs();
  EXPECT_EQ(second->number, 2u);
  EXPECT_EQ(second->kind, wire::AlertKind::place_matches);
  EXPECT_EQ(second->facility_id, kFacility);
  EXPECT_EQ(watch.fetches(), fetches) << "the alert was fetched, not heard on member " << follower + 1 << "'s feed";
}


// What the operator's monitoring sees of a cluster (issue #15's metrics, #16's cluster): each
// member's role, the leader it knows and its log's indexes on /metrics; /readyz ready on every
// member while a majority holds, and not on a member that sees no leader — here the leader alone,
// its two followers frozen — with the reason, until they run again.
TEST(ClusterTest, EachMemberSaysItsRoleAndLeaderAndIsReadyOnlyWithAMajority) {
  Cluster cluster(/*metrics=*/true);
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 1, 20)))) << cluster.logs();
  // The metrics are rendered about once a second: poll until every member names the same leader,
  // which says it leads while the others say they follow (the one that answered the registration,
  // unless the loaded machine made the members elect another since).
  auto metrics_of = [&](int i) { return http_request(cluster.metrics_port(i), "GET", "/metrics").body; };
  auto all_say = [&](int leader) {
    for (int i = 0; i < kMembers; ++i) {
      const std::string node = std::to_string(i + 1);
      const std::string role = i == leader ? "leader" : "follower";
      const std::string text = metrics_of(i);
      if (text.find("dispo_cluster_role{node=\"" + node + "\",role=\"" + role + "\"} 1\n") == std::string::npos ||
          text.find("dispo_cluster_leader{node=\"" + node + "\"} " + std::to_string(leader + 1) + "\n") ==
              std::string::npos)
        return false;
    }
    return true;
  };
  int leader = admin.leader();
  const bool settled = poll_until(
      [&] {
        for (int candidate = 0; candidate < kMembers; ++candidate)
          if (all_say(candidate)) return leader = candidate, true;
        return false;
      },
      15s);
  ASSERT_TRUE(settled) << metrics_of(0) << metrics_of(1) << metrics_of(2);
  // The leader hears from both others (a member whose answers stop is alert DispoClusterMemberSilent).
  auto in_touch = [&](int member) {
    return "dispo_cluster_member_in_touch{node=\"" + std::to_string(leader + 1) + "\",member=\"" +
           std::to_string(member + 1) + "\"} ";
  };
  std::string seen;
  EXPECT_TRUE(poll_until(
      [&] {
        seen = metrics_of(leader);
        return seen.find(in_touch((leader + 1) % kMembers) + "1\n") != std::string::npos &&
               seen.find(in_touch((leader + 2) % kMembers) + "1\n") != std::string::npos;
      },
      15s))
      << seen;
  for (int i = 0; i < kMembers; ++i) {
    const std::string node = std::to_string(i + 1);
    EXPECT_NE(metrics_of(i).find("dispo_cluster_log_index{node=\"" + node + "\",index=\"applied\"}"), std::string::npos);
    EXPECT_EQ(http_request(cluster.metrics_port(i), "GET", "/readyz").status, 200);
  }
  // `top -H` on a member names its parts: the Raft log's thread, the metrics server's, the log reader's.
  const std::set<std::string> parts = {"dispo-raft", "dispo-metrics", "dispo-logread"};
  const std::set<std::string> threads = thread_names(cluster.member(leader).pid(), parts);
  for (const auto& part : parts)
    EXPECT_TRUE(threads.contains(part)) << part << " not among the threads of member " << leader + 1;

  // The alert rules and the dashboard of ops/monitoring use only metrics a member serves — once
  // its metrics were rendered with the facility registered (about once a second).
  std::string exposition;
  EXPECT_TRUE(poll_until(
      [&] {
        exposition = metrics_of(leader);
        return exposition.find("\ndispo_free_places{") != std::string::npos;
      },
      15s))
      << exposition;
  TempDir scratch;
  {
    std::ofstream(scratch / "metrics.txt") << exposition;
  }
  const auto references = run_command({DISPO_PYTHON, DISPO_MONITORING "/check_references.py", (scratch / "metrics.txt").string(),
                                       DISPO_MONITORING "/dispo-alerts.yml", DISPO_MONITORING "/dispo-dashboard.json"});
  EXPECT_EQ(references.exit_code, 0) << references.out << references.err;
  EXPECT_NE(references.out.find("dispo_cluster_leader"), std::string::npos) << references.out;

  const auto frozen = freeze_all_but(cluster, leader);
  HttpResult alone;
  poll_until([&] {
    alone = http_request(cluster.metrics_port(leader), "GET", "/readyz");
    return alone.status == 503;
  }, 15s);
  thaw(frozen);
  EXPECT_EQ(alone.status, 503) << alone.body;
  EXPECT_NE(alone.body.find("aucun leader connu"), std::string::npos) << alone.body;

  int ready = 0;
  poll_until([&] {
    ready = 0;
    for (int i = 0; i < kMembers; ++i) ready += http_request(cluster.metrics_port(i), "GET", "/readyz").status == 200;
    return ready == kMembers;
  }, 15s);
  EXPECT_EQ(ready, kMembers) << "every member ready again once the followers run";
}

}  // namespace
}  // namespace dispo::testing
