// Issue #16, writes: three real dispo-broker processes on loopback form a Raft cluster
// (test_cluster.h). Publishers write through a Session given the three endpoints, which follows
// the leader (a `not_leader` refusal or a silence sends the call to the next member, with the SAME
// request id); the leader is killed with SIGKILL twenty times and restarted at once: every
// acknowledged update is in every member's event log at its sequence, none applied twice, the
// three event logs identical; failover times are printed (from a kill to the next acknowledged
// update). Then: a follower refuses a write naming the leader, twenty racers for the last place
// during a leader kill make one hold, a wiped member rejoins, a leader cut from its followers
// acknowledges nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "dispo/schemas/text_rules.h"
#include "test_cluster.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kKills = 20;

// Every member reaches the last acknowledged sequence and stops cleanly; their event logs are
// identical; each unit's values go up (none applied twice, none out of order); every acknowledged
// update is in the log at the sequence it was acknowledged with.
void expect_every_ack_applied_once_everywhere(zmq::context_t& context, Cluster& cluster,
                                              const Acknowledged& acks) {
  ASSERT_FALSE(acks.empty());
  wait_all_reach(context, cluster, acks.rbegin()->first);
  const EventLog first = stop_all_with_the_same_event_log(cluster);
  expect_acknowledged_once_in(first, acks);
}

// Kills the leader `kills` times under three publishers, restarting it at once; prints the
// failover times (`what`); every acknowledged update applied once on every member.
void expect_leader_kills_lose_nothing(Cluster& cluster, int kills, const char* what) {
  zmq::context_t context;
  ASSERT_NO_FATAL_FAILURE(register_publishers_facility(context, cluster));
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> acks_before_kill(20, 200);

  Publishers publishers(context, cluster);
  std::vector<double> failovers_ms;
  for (int i = 0; i < kills; ++i) {
    const std::size_t target = publishers.acknowledged() + acks_before_kill(random);
    ASSERT_TRUE(publishers.reach(target)) << "kill " << i << ": publishers stalled\n" << cluster.logs();

    const int leader = publishers.leader();
    const std::size_t acked_before_kill = publishers.acknowledged();
    cluster.member(leader).kill9();
    const auto killed_at = Clock::now();
    cluster.member(leader).start();  // back at once, as a follower: a majority stays up
    publishers.reach(acked_before_kill + kPublishers + 1);
    ASSERT_GT(publishers.acknowledged(), acked_before_kill) << "kill " << i << ": no write after the kill";
    // The first acknowledgement after the kill: the publishers' last one may be later; close enough
    // from above (a few updates at most).
    failovers_ms.push_back(std::chrono::duration<double, std::milli>(publishers.last_ack() - killed_at).count());
  }
  publishers.reach(publishers.acknowledged() + 50);
  publishers.stop();
  EXPECT_TRUE(publishers.failures().empty()) << publishers.failures().front();

  std::sort(failovers_ms.begin(), failovers_ms.end());
  std::printf("failover over %zu leader kills (%s): p50 %.0f ms, max %.0f ms\n", failovers_ms.size(), what,
              failovers_ms[failovers_ms.size() / 2], failovers_ms.back());

  expect_every_ack_applied_once_everywhere(context, cluster, publishers.acks());
}

TEST(ClusterTest, AcknowledgedUpdatesSurviveTwentyLeaderKillsOnEveryMemberAndApplyOnce) {
  Cluster cluster;
  expect_leader_kills_lose_nothing(cluster, kKills, "plain TCP on loopback");
}

// The same over the encrypted member link (the broker's CURVE key on every member), five kills:
// the restarted member's link is reached again by the others' and nothing is lost.
TEST(ClusterTest, OverTheEncryptedLinkFiveLeaderKillsLoseNothing) {
  Cluster cluster(/*metrics=*/false, /*proxied=*/false, /*curve=*/true);
  expect_leader_kills_lose_nothing(cluster, 5, "member link over CURVE");
}

// A rolling restart, as for an upgrade: each member in turn stopped cleanly (SIGTERM) and started
// again while three publishers write, the leader last. A leader that stops hands the leadership
// to a follower first, so writers wait for no election: the pause it causes is printed next to a
// kill's (the loop above). Nothing acknowledged is lost or applied twice.
TEST(ClusterTest, ARollingRestartLosesNothingAndTheLeaderHandsOverBeforeStopping) {
  Cluster cluster;
  zmq::context_t context;
  ASSERT_NO_FATAL_FAILURE(register_publishers_facility(context, cluster));
  Publishers publishers(context, cluster);
  ASSERT_TRUE(publishers.reach(100)) << cluster.logs();
  // The followers first, then whoever leads by then.
  std::vector<int> order;
  for (int i = 0; i < kMembers; ++i)
    if (i != publishers.leader()) order.push_back(i);
  order.push_back(-1);
  for (int member : order) {
    const int leader = publishers.leader();
    if (member == -1) member = leader;
    const std::size_t before = publishers.acknowledged();
    const auto stopped_at = Clock::now();
    ASSERT_EQ(cluster.member(member).stop(), 0) << cluster.member(member).log();
    ASSERT_TRUE(publishers.reach(before + kPublishers)) << "no write after member " << member + 1 << " stopped";
    if (member == leader) {
      std::printf("leader stopped cleanly: next acknowledged update after %.0f ms\n",
                  std::chrono::duration<double, std::milli>(publishers.last_ack() - stopped_at).count());
      EXPECT_NE(cluster.member(member).log().find("handed the leadership to member"), std::string::npos)
          << cluster.member(member).log();
    }
    cluster.member(member).start();
    ASSERT_TRUE(publishers.reach(publishers.acknowledged() + 50));
  }
  publishers.stop();
  EXPECT_TRUE(publishers.failures().empty()) << publishers.failures().front();
  expect_every_ack_applied_once_everywhere(context, cluster, publishers.acks());
}

TEST(ClusterTest, AFollowerRefusesAWriteAndNamesTheLeadersEndpointWhereASessionFollowsIt) {
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  auto registered = admin.call(registration_of(make_facility(kFacility, 1, 10)));
  ASSERT_TRUE(registered) << registered.error().message;
  const int leader = admin.leader();
  const int follower = (leader + 1) % kMembers;

  // Asked alone, the follower refuses the write and names the leader's api, in words and in a field.
  const std::string leader_api = cluster.member(leader).api();
  const auto answer = ask_only(context, cluster.member(follower), update_of(kFacility, "u1", 3));
  ASSERT_TRUE(answer) << "the follower did not answer";
  auto message = wire::decode(answer->data(), answer->size());
  ASSERT_TRUE(message);
  const wire::Reply* refusal = (*message)->body_as_Reply();
  ASSERT_NE(refusal, nullptr);
  EXPECT_EQ(refusal->status(), wire::Status::not_leader) << "a follower acknowledged a write";
  ASSERT_NE(refusal->message(), nullptr);
  EXPECT_NE(refusal->message()->str().find(leader_api), std::string::npos) << refusal->message()->str();
  ASSERT_NE(refusal->leader_api(), nullptr);
  EXPECT_EQ(refusal->leader_api()->str(), leader_api);
  // A session given that follower alone follows the refusal to the leader, which acknowledges.
  client::Session direct(context, {cluster.member(follower).api(), 2s, 1, "direct"});
  auto written = direct.call(update_of(kFacility, "u1", 3));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ((*written)->served_by(), static_cast<std::uint64_t>(leader + 1));
  EXPECT_EQ(direct.endpoint(), leader_api);

  // The follower answers reads from what was replicated to it.
  poll_until([&] { return sequence_of(context, cluster.member(follower)) >= (*registered)->sequence(); }, 10s);
  EXPECT_GE(sequence_of(context, cluster.member(follower)), (*registered)->sequence());
}


// A call waiting on the leader when it dies (kill -9) goes to the next member as soon as the
// connection closes, not after the session's timeout (a minute here): a writer waits for the
// election, not for its timeout on a member that is gone.
TEST(ClusterTest, ACallWaitingOnALeaderThatDiesGoesToTheNextMemberAtOnceNotAfterItsTimeout) {
  Cluster cluster;
  zmq::context_t context;
  client::Session writer(context, {all_members(cluster, &BrokerProcess::api, 0), 60s, 1, "writer"});
  auto registered = writer.call(registration_of(make_facility(kFacility, 1, 10)));
  ASSERT_TRUE(registered) << registered.error().message;
  const auto leader = static_cast<int>((*registered)->served_by()) - 1;
  ASSERT_EQ(writer.endpoint(), cluster.member(leader).api());
  ASSERT_EQ(writer.lost_connections(), 0u);

  cluster.member(leader).kill9();
  auto written = writer.call(update_of(kFacility, "u1", 4));
  ASSERT_TRUE(written) << written.error().message << "\n" << cluster.logs();
  EXPECT_NE((*written)->served_by(), static_cast<std::uint64_t>(leader + 1));
  EXPECT_GE(writer.lost_connections(), 1u) << "the call waited for its timeout on the dead leader";
}

// Twenty on-call workers, each starting from a different member, ask for the same last place while
// the leader is killed: the conditional write stays linearizable across the leader change — exactly
// one hold, everyone else told the place is gone, the same on every member.
TEST(ClusterTest, TwentyRacersForTheLastPlaceDuringALeaderKillMakeExactlyOneHold) {
  constexpr int kRacers = 20;
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 1, 20)))) << cluster.logs();
  ASSERT_TRUE(admin.call(update_of(kFacility, "u1", 1, 19)));  // the last place
  std::vector<std::string> requests;
  for (int i = 0; i < kRacers; ++i) {
    auto opened = admin.call(open_of("enfant-" + std::to_string(i), {8}));
    ASSERT_TRUE(opened) << opened.error().message;
    requests.push_back((*opened)->body_as_RequestStatus()->request()->id()->str());
  }

  std::latch go(1);
  std::mutex mutex;
  std::vector<std::string> won;
  std::map<std::string, int> refused;  // status name -> racers
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      LeaderFollower worker(context, cluster, "astreinte-" + std::to_string(i), i % kMembers);
      go.wait();
      auto reply = worker.call(hold_of(kFacility, "u1", requests[i]));
      std::lock_guard lock(mutex);
      if (reply) {
        won.push_back(requests[i]);
      } else {
        ++refused[wire::EnumNameStatus(reply.error().status)];
      }
    });
  }
  const int leader = admin.leader();
  cluster.member(leader).kill9();
  go.count_down();
  cluster.member(leader).start();
  for (auto& racer : racers) racer.join();

  ASSERT_EQ(won.size(), 1u) << won.size() << " holds for one place";
  EXPECT_EQ(refused["conflict"], kRacers - 1) << "every other racer is told the place is taken";

  // Every member ends at the same sequence with the same event log, one hold in it.
  poll_until([&] {
    const std::uint64_t at = sequence_of(context, cluster.member(0));
    return at > 0 && sequence_of(context, cluster.member(1)) == at && sequence_of(context, cluster.member(2)) == at;
  }, 20s);
  const EventLog first = stop_all_with_the_same_event_log(cluster);
  int holds = 0;
  for (const auto& [at, bytes] : first) {
    auto message = wire::decode(bytes.data(), bytes.size());
    const auto* event = message ? (*message)->body_as_FeedEvent() : nullptr;
    ASSERT_NE(event, nullptr);
    if (const auto* hold = event->change_as_HoldChanged(); hold && hold->hold()->state() == wire::HoldState::active) ++holds;
  }
  EXPECT_EQ(holds, 1);
}


// A member that lost its disk (its data directory wiped) is started empty while updates flow: the
// others' logs no longer go back to the start (a snapshot every 32 entries, 64 kept after it), so
// the leader sends it a snapshot of its store, then the entries after it; every member ends with
// the same event log.
TEST(ClusterTest, AMemberWhoseDataDirectoryIsWipedRejoinsBySnapshot) {
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 2, 200)))) << cluster.logs();
  for (int value = 1; value <= 200; ++value) ASSERT_TRUE(admin.call(update_of(kFacility, "u1", value)));
  const int leader = admin.leader();
  EXPECT_NE(cluster.member(leader).log().find("took a snapshot of its store"), std::string::npos)
      << cluster.member(leader).log();

  const int wiped = (leader + 1) % kMembers;
  ASSERT_EQ(cluster.member(wiped).stop(), 0);
  std::filesystem::remove_all(cluster.member(wiped).data_dir());
  cluster.member(wiped).start();
  std::uint64_t last = 0;
  for (int value = 1; value <= 50; ++value) {
    auto updated = admin.call(update_of(kFacility, "u2", value));
    ASSERT_TRUE(updated) << updated.error().message;
    last = (*updated)->sequence();
  }
  wait_all_reach(context, cluster, last);
  EXPECT_EQ(sequence_of(context, cluster.member(wiped)), last) << cluster.member(wiped).log();
  EXPECT_NE(cluster.member(wiped).log().find("restored a snapshot of the store"), std::string::npos)
      << cluster.member(wiped).log();
  const EventLog first = stop_all_with_the_same_event_log(cluster);
  EXPECT_EQ(first.size(), last);
}

// The leader alone on its side: both followers frozen (SIGSTOP — the closest this test gets to a
// network partition without network namespaces). It acknowledges nothing: the write it is sent is
// refused (it steps down within an election timeout; its commit would time out otherwise). Once
// the followers run again, the cluster takes writes and every member ends with the same event log. (The refused write may still be committed after
// the healing — its outcome was unknown, which is why a client retries with the same request id.)
TEST(ClusterTest, ALeaderCutOffFromBothFollowersAcknowledgesNothingThenEveryoneConverges) {
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 1, 200)))) << cluster.logs();
  ASSERT_TRUE(admin.call(update_of(kFacility, "u1", 1)));
  const int leader = admin.leader();
  const auto frozen = freeze_all_but(cluster, leader);
  struct ThawOnFailure {
    const std::vector<pid_t>& pids;
    ~ThawOnFailure() { thaw(pids); }  // a failed assertion returns early: never leave them stopped
  } thaw_on_failure{frozen};

  client::Session alone(context, {cluster.member(leader).api(), 8s, 1, "alone"});
  const auto sent_at = Clock::now();
  auto refused = alone.call(update_of(kFacility, "u1", 99));
  const double waited_s = std::chrono::duration<double>(Clock::now() - sent_at).count();
  ASSERT_FALSE(refused) << "a leader without a majority acknowledged a write";
  EXPECT_TRUE(refused.error().status == wire::Status::unavailable || refused.error().status == wire::Status::not_leader)
      << wire::EnumNameStatus(refused.error().status) << ": " << refused.error().message;
  std::printf("isolated leader: write refused after %.1f s: %s\n", waited_s, refused.error().message.c_str());

  // Cut from its majority it still answers reads, from what it has, and says how stale they may
  // be; a read that must be current is refused.
  std::uint64_t lag_ms = 0;
  std::uint64_t served_by = 0;
  client::Session reader(context, {cluster.member(leader).api(), 2s, 1, "reader"});
  EXPECT_TRUE(poll_until(
      [&] {
        auto read = reader.call(snapshot_request());
        if (read) std::tie(lag_ms, served_by) = std::pair{(*read)->lag_ms(), (*read)->served_by()};
        return lag_ms > 0;
      },
      5s));
  EXPECT_EQ(served_by, static_cast<std::uint64_t>(leader + 1));
  client::SessionOptions current_options{cluster.member(leader).api(), 3s, 1, "current"};
  current_options.current = true;
  client::Session current(context, current_options);
  auto stale = current.call(snapshot_request());
  EXPECT_FALSE(stale) << "a member cut from its majority answered a read that must be current";
  thaw(frozen);

  auto healed = admin.call(update_of(kFacility, "u1", 2));
  ASSERT_TRUE(healed) << healed.error().message << "\n" << cluster.logs();
  wait_all_reach(context, cluster, (*healed)->sequence());
  const EventLog first = stop_all_with_the_same_event_log(cluster);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.back().first, (*healed)->sequence());
}

}  // namespace
}  // namespace dispo::testing
