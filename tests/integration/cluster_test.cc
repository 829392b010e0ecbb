// Issue #16: three real dispo-broker processes on loopback form a Raft cluster. Publishers write
// through a Session given the three endpoints, which follows the leader (a `not_leader` refusal or
// a silence sends the call to the next member, with the SAME request id); the leader is killed with SIGKILL twenty times and restarted at once. Afterwards
// every acknowledged update is in every member's event log at its sequence, none was applied
// twice, and the three event logs are identical. Failover times are printed (time from a kill to
// the next acknowledged update).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <fstream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "broker_process.h"
#include "http_client.h"
#include "dispo/broker/broker.h"
#include "dispo/clients/board.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/text_rules.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMembers = 3;
constexpr int kPublishers = 3;
constexpr int kUnitsPerPublisher = 5;
constexpr int kKills = 20;
constexpr const char* kFacility = "590000016";

class Cluster {
 public:
  // `metrics`: each member also serves /metrics, /healthz and /readyz (metrics_port(i)).
  explicit Cluster(bool metrics = false) {
    std::string raft;
    std::string api;
    for (int i = 0; i < kMembers; ++i) {
      members_.push_back(std::make_unique<BrokerProcess>(dir_ / ("member-" + std::to_string(i + 1)) / "data"));
      std::filesystem::create_directories(members_[i]->data_dir().parent_path());
      const std::string id = std::to_string(i + 1);
      raft += (i ? "," : "") + id + "=127.0.0.1:" + std::to_string(free_port());
      api += (i ? "," : "") + id + "=" + members_[i]->api();
    }
    for (int i = 0; i < kMembers; ++i) {
      std::vector<std::string> args = {"--node-id", std::to_string(i + 1), "--cluster", raft, "--cluster-api", api,
                                        "--election-timeout-ms", "500"};
      if (metrics) {
        metrics_ports_.push_back(free_port());
        args.insert(args.end(), {"--metrics", "127.0.0.1:" + std::to_string(metrics_ports_.back())});
      }
      members_[i]->set_extra_args(std::move(args));
    }
    for (auto& member : members_) member->start();
  }

  BrokerProcess& member(int i) { return *members_[i]; }
  int metrics_port(int i) const { return metrics_ports_.at(i); }
  std::string logs() const {
    std::string all;
    for (const auto& member : members_) all += "--- " + member->data_dir().string() + "\n" + member->log();
    return all;
  }

 private:
  TempDir dir_;
  std::vector<std::unique_ptr<BrokerProcess>> members_;
  std::vector<int> metrics_ports_;
};

// Every member's endpoint of one kind, comma-separated, from member `first` on, as a client of the
// cluster is given them.
std::string all_members(Cluster& cluster, const std::string& (BrokerProcess::*endpoint)() const, int first) {
  std::string list;
  for (int i = 0; i < kMembers; ++i) list += (i ? "," : "") + (cluster.member((first + i) % kMembers).*endpoint)();
  return list;
}

// A client of the cluster as dispo's own clients are: one Session given every member's endpoint,
// which follows the leader (a `not_leader` refusal or a silence sends the call to the next member,
// with the same request id).
class LeaderFollower {
 public:
  // `first`: the member the list starts with (the one asked first).
  LeaderFollower(zmq::context_t& context, Cluster& cluster, const std::string& client_id, int first = 0)
      : cluster_(cluster) {
    std::string list;
    for (int i = 0; i < kMembers; ++i) list += (i ? "," : "") + cluster.member((first + i) % kMembers).api();
    session_ = std::make_unique<client::Session>(context, client::SessionOptions{list, 300ms, 10, client_id});
  }
  Result<client::ReplyMessage> call(wire::RequestBodyUnion body) { return session_->call(std::move(body)); }
  // The member that answered last.
  int leader() const {
    for (int i = 0; i < kMembers; ++i)
      if (cluster_.member(i).api() == session_->endpoint()) return i;
    return 0;
  }

 private:
  Cluster& cluster_;
  std::unique_ptr<client::Session> session_;
};

struct Ack {
  std::string unit;
  int available;
};

class Publishers {
 public:
  Publishers(zmq::context_t& context, Cluster& cluster) {
    for (int p = 0; p < kPublishers; ++p)
      threads_.emplace_back([this, &context, &cluster, p] { publish(context, cluster, p); });
  }
  ~Publishers() { stop(); }
  void stop() {
    stop_.store(true);
    for (auto& thread : threads_)
      if (thread.joinable()) thread.join();
  }
  std::size_t acknowledged() const { return count_.load(); }
  int leader() const { return leader_.load(); }
  Clock::time_point last_ack() {
    std::lock_guard lock(mutex_);
    return last_ack_;
  }
  std::map<std::uint64_t, Ack> acks() {
    std::lock_guard lock(mutex_);
    return acks_;
  }
  std::vector<std::string> failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }

 private:
  void publish(zmq::context_t& context, Cluster& cluster, int p) {
    LeaderFollower writer(context, cluster, "publisher-" + std::to_string(p));
    std::map<std::string, int> next;
    for (int n = 0; !stop_.load(); ++n) {
      const std::string unit = "u" + std::to_string(p * kUnitsPerPublisher + n % kUnitsPerPublisher + 1);
      const int value = ++next[unit];
      auto reply = writer.call(update_of(kFacility, unit, value));
      std::lock_guard lock(mutex_);
      if (!reply) {
        failures_.push_back(unit + "=" + std::to_string(value) + ": " + reply.error().message);
        return;
      }
      const auto [it, fresh] = acks_.emplace((*reply)->sequence(), Ack{unit, value});
      if (!fresh) failures_.push_back("sequence " + std::to_string(it->first) + " acknowledged twice");
      leader_.store(writer.leader());
      last_ack_ = Clock::now();
      ++count_;
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> count_{0};
  std::atomic<int> leader_{0};
  std::mutex mutex_;
  Clock::time_point last_ack_{};
  std::map<std::uint64_t, Ack> acks_;
  std::vector<std::string> failures_;
  std::vector<std::thread> threads_;
};

std::vector<std::pair<std::uint64_t, std::string>> event_log(const BrokerProcess& member) {
  std::vector<std::pair<std::uint64_t, std::string>> events;
  auto visited = broker::for_each_event_in(member.data_dir(), 1, [&](std::uint64_t sequence, std::string_view bytes) {
    events.emplace_back(sequence, std::string(bytes));
    return true;
  });
  EXPECT_TRUE(visited) << visited.error().message;
  return events;
}

std::uint64_t sequence_of(zmq::context_t& context, BrokerProcess& member) {
  client::Session reader(context, {member.api(), 1s, 1, "reader"});
  auto snapshot = reader.call(snapshot_request());
  return snapshot ? (*snapshot)->sequence() : 0;
}

TEST(ClusterTest, AcknowledgedUpdatesSurviveTwentyLeaderKillsOnEveryMemberAndApplyOnce) {
  Cluster cluster;
  zmq::context_t context;
  {
    LeaderFollower admin(context, cluster, "admin");
    auto registered = admin.call(registration_of(
        make_facility(kFacility, kPublishers * kUnitsPerPublisher, wire::kMaxInstalledPlaces)));
    ASSERT_TRUE(registered) << registered.error().message << "\n" << cluster.logs();
  }
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> acks_before_kill(20, 200);

  Publishers publishers(context, cluster);
  std::vector<double> failovers_ms;
  for (int i = 0; i < kKills; ++i) {
    const std::size_t target = publishers.acknowledged() + acks_before_kill(random);
    auto deadline = Clock::now() + 30s;
    while (publishers.acknowledged() < target && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_GE(publishers.acknowledged(), target) << "kill " << i << ": publishers stalled\n" << cluster.logs();

    const int leader = publishers.leader();
    const std::size_t acked_before_kill = publishers.acknowledged();
    cluster.member(leader).kill9();
    const auto killed_at = Clock::now();
    cluster.member(leader).start();  // back at once, as a follower: a majority stays up
    deadline = Clock::now() + 30s;
    while (publishers.acknowledged() <= acked_before_kill + kPublishers && Clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
    ASSERT_GT(publishers.acknowledged(), acked_before_kill) << "kill " << i << ": no write after the kill";
    // The first acknowledgement after the kill: the publishers' last one may be later; close enough
    // from above (a few updates at most).
    failovers_ms.push_back(std::chrono::duration<double, std::milli>(publishers.last_ack() - killed_at).count());
  }
  const std::size_t final_target = publishers.acknowledged() + 50;
  auto deadline = Clock::now() + 30s;
  while (publishers.acknowledged() < final_target && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  publishers.stop();
  EXPECT_TRUE(publishers.failures().empty()) << publishers.failures().front();

  std::sort(failovers_ms.begin(), failovers_ms.end());
  std::printf("failover over %zu leader kills: p50 %.0f ms, max %.0f ms\n", failovers_ms.size(),
              failovers_ms[failovers_ms.size() / 2], failovers_ms.back());

  // Every member reaches the last acknowledged sequence, then stops cleanly.
  const auto acks = publishers.acks();
  const std::uint64_t last_acked = acks.rbegin()->first;
  for (int i = 0; i < kMembers; ++i) {
    deadline = Clock::now() + 20s;
    while (sequence_of(context, cluster.member(i)) < last_acked && Clock::now() < deadline)
      std::this_thread::sleep_for(10ms);
  }
  for (int i = 0; i < kMembers; ++i) ASSERT_EQ(cluster.member(i).stop(), 0) << cluster.member(i).log();

  const auto first = event_log(cluster.member(0));
  for (int i = 1; i < kMembers; ++i)
    EXPECT_TRUE(event_log(cluster.member(i)) == first) << "member " << i + 1 << "'s event log differs from member 1's";
  std::map<std::string, int> last;
  std::size_t matched = 0;
  for (const auto& [sequence, bytes] : first) {
    auto message = wire::decode(bytes.data(), bytes.size());
    const auto* event = message ? (*message)->body_as_FeedEvent() : nullptr;
    ASSERT_NE(event, nullptr) << "unreadable event " << sequence;
    const auto* change = event->change_as_AvailabilityChanged();
    if (change == nullptr) continue;
    const std::string unit = change->unit_id()->str();
    const int available = change->availability()->available();
    EXPECT_GT(available, last[unit]) << "unit " << unit << " value " << available
                                     << " applied twice or out of order at sequence " << sequence;
    last[unit] = available;
    if (auto ack = acks.find(sequence); ack != acks.end()) {
      EXPECT_EQ(ack->second.unit, unit) << "sequence " << sequence;
      EXPECT_EQ(ack->second.available, available) << "sequence " << sequence;
      ++matched;
    }
  }
  EXPECT_EQ(matched, acks.size()) << "acknowledged updates missing from the event log";
}

TEST(ClusterTest, AFollowerRefusesAWriteAndNamesTheLeadersEndpoint) {
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  auto registered = admin.call(registration_of(make_facility(kFacility, 1, 10)));
  ASSERT_TRUE(registered) << registered.error().message;
  const int leader = admin.leader();
  const int follower = (leader + 1) % kMembers;

  client::Session direct(context, {cluster.member(follower).api(), 2s, 1, "direct"});
  auto refused = direct.call(update_of(kFacility, "u1", 3));
  ASSERT_FALSE(refused) << "a follower acknowledged a write";
  EXPECT_EQ(refused.error().status, wire::Status::not_leader);
  EXPECT_NE(refused.error().message.find(cluster.member(leader).api()), std::string::npos) << refused.error().message;

  // The follower answers reads from what was replicated to it.
  for (auto until = Clock::now() + 10s; Clock::now() < until; std::this_thread::sleep_for(10ms))
    if (sequence_of(context, cluster.member(follower)) >= (*registered)->sequence()) break;
  EXPECT_GE(sequence_of(context, cluster.member(follower)), (*registered)->sequence());
}

}  // namespace
}  // namespace dispo::testing

namespace dispo::testing {
namespace {

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
  for (auto until = Clock::now() + 20s; Clock::now() < until; std::this_thread::sleep_for(10ms)) {
    const std::uint64_t at = sequence_of(context, cluster.member(0));
    if (at > 0 && sequence_of(context, cluster.member(1)) == at && sequence_of(context, cluster.member(2)) == at) break;
  }
  for (int i = 0; i < kMembers; ++i) ASSERT_EQ(cluster.member(i).stop(), 0) << cluster.member(i).log();
  const auto first = event_log(cluster.member(0));
  for (int i = 1; i < kMembers; ++i) EXPECT_TRUE(event_log(cluster.member(i)) == first) << "member " << i + 1;
  int holds = 0;
  for (const auto& [at, bytes] : first) {
    auto message = wire::decode(bytes.data(), bytes.size());
    const auto* event = message ? (*message)->body_as_FeedEvent() : nullptr;
    ASSERT_NE(event, nullptr);
    if (const auto* hold = event->change_as_HoldChanged(); hold && hold->hold()->state() == wire::HoldState::active) ++holds;
  }
  EXPECT_EQ(holds, 1);
}

// A member that lost its disk (its data directory wiped) is started empty: it rejoins and is
// given the whole history by the leader, while updates flow; every member ends with the same
// event log. (The leader sends the log's entries: the broker takes no Raft snapshot yet.)
TEST(ClusterTest, AMemberWhoseDataDirectoryIsWipedRejoinsAndCatchesUp) {
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 2, 200)))) << cluster.logs();
  for (int value = 1; value <= 50; ++value) ASSERT_TRUE(admin.call(update_of(kFacility, "u1", value)));

  const int wiped = (admin.leader() + 1) % kMembers;
  ASSERT_EQ(cluster.member(wiped).stop(), 0);
  std::filesystem::remove_all(cluster.member(wiped).data_dir());
  cluster.member(wiped).start();
  std::uint64_t last = 0;
  for (int value = 1; value <= 50; ++value) {
    auto updated = admin.call(update_of(kFacility, "u2", value));
    ASSERT_TRUE(updated) << updated.error().message;
    last = (*updated)->sequence();
  }
  for (int i = 0; i < kMembers; ++i) {
    for (auto until = Clock::now() + 20s; Clock::now() < until; std::this_thread::sleep_for(10ms))
      if (sequence_of(context, cluster.member(i)) >= last) break;
  }
  EXPECT_EQ(sequence_of(context, cluster.member(wiped)), last) << cluster.member(wiped).log();
  for (int i = 0; i < kMembers; ++i) ASSERT_EQ(cluster.member(i).stop(), 0) << cluster.member(i).log();
  const auto first = event_log(cluster.member(0));
  EXPECT_EQ(first.size(), last);
  for (int i = 1; i < kMembers; ++i) EXPECT_TRUE(event_log(cluster.member(i)) == first) << "member " << i + 1;
}

// The leader alone on its side: both followers frozen (SIGSTOP — the closest this test gets to a
// network partition without network namespaces). It acknowledges nothing: the write it is sent
// is refused once its commit times out. Once the followers run again, the cluster takes writes
// and every member ends with the same event log. (The refused write may still be committed after
// the healing — its outcome was unknown, which is why a client retries with the same request id.)
TEST(ClusterTest, ALeaderCutOffFromBothFollowersAcknowledgesNothingThenEveryoneConverges) {
  Cluster cluster;
  zmq::context_t context;
  LeaderFollower admin(context, cluster, "admin");
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 1, 200)))) << cluster.logs();
  ASSERT_TRUE(admin.call(update_of(kFacility, "u1", 1)));
  const int leader = admin.leader();
  std::vector<pid_t> frozen;
  for (int i = 0; i < kMembers; ++i)
    if (i != leader) frozen.push_back(cluster.member(i).pid());
  for (pid_t pid : frozen) ASSERT_EQ(::kill(pid, SIGSTOP), 0);

  client::Session alone(context, {cluster.member(leader).api(), 8s, 1, "alone"});
  const auto sent_at = Clock::now();
  auto refused = alone.call(update_of(kFacility, "u1", 99));
  const double waited_s = std::chrono::duration<double>(Clock::now() - sent_at).count();
  for (pid_t pid : frozen) ::kill(pid, SIGCONT);
  ASSERT_FALSE(refused) << "a leader without a majority acknowledged a write";
  EXPECT_TRUE(refused.error().status == wire::Status::unavailable || refused.error().status == wire::Status::not_leader)
      << wire::EnumNameStatus(refused.error().status) << ": " << refused.error().message;
  std::printf("isolated leader: write refused after %.1f s: %s\n", waited_s, refused.error().message.c_str());

  auto healed = admin.call(update_of(kFacility, "u1", 2));
  ASSERT_TRUE(healed) << healed.error().message << "\n" << cluster.logs();
  for (int i = 0; i < kMembers; ++i) {
    for (auto until = Clock::now() + 20s; Clock::now() < until; std::this_thread::sleep_for(10ms))
      if (sequence_of(context, cluster.member(i)) >= (*healed)->sequence()) break;
  }
  for (int i = 0; i < kMembers; ++i) ASSERT_EQ(cluster.member(i).stop(), 0) << cluster.member(i).log();
  const auto first = event_log(cluster.member(0));
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.back().first, (*healed)->sequence());
  for (int i = 1; i < kMembers; ++i) EXPECT_TRUE(event_log(cluster.member(i)) == first) << "member " << i + 1;
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
  const int leader = admin.leader();
  const std::string leader_id = std::to_string(leader + 1);
  // The metrics are rendered about once a second: poll until they show the cluster settled.
  auto metrics_of = [&](int i) { return http_request(cluster.metrics_port(i), "GET", "/metrics").body; };
  auto says = [&](int i, const std::string& line) {
    for (auto until = Clock::now() + 15s; Clock::now() < until; std::this_thread::sleep_for(50ms))
      if (metrics_of(i).find(line) != std::string::npos) return true;
    return false;
  };
  for (int i = 0; i < kMembers; ++i) {
    const std::string node = std::to_string(i + 1);
    const std::string role = i == leader ? "leader" : "follower";
    EXPECT_TRUE(says(i, "dispo_cluster_role{node=\"" + node + "\",role=\"" + role + "\"} 1\n")) << metrics_of(i);
    EXPECT_TRUE(says(i, "dispo_cluster_leader{node=\"" + node + "\"} " + leader_id + "\n")) << metrics_of(i);
    EXPECT_NE(metrics_of(i).find("dispo_cluster_log_index{node=\"" + node + "\",index=\"applied\"}"), std::string::npos);
    EXPECT_EQ(http_request(cluster.metrics_port(i), "GET", "/readyz").status, 200);
  }

  // The alert rules and the dashboard of ops/monitoring use only metrics a member serves.
  TempDir scratch;
  {
    std::ofstream(scratch / "metrics.txt") << metrics_of(leader);
  }
  const auto references = run_command({DISPO_PYTHON, DISPO_MONITORING "/check_references.py", (scratch / "metrics.txt").string(),
                                       DISPO_MONITORING "/dispo-alerts.yml", DISPO_MONITORING "/dispo-dashboard.json"});
  EXPECT_EQ(references.exit_code, 0) << references.out << references.err;
  EXPECT_NE(references.out.find("dispo_cluster_leader"), std::string::npos) << references.out;

  std::vector<pid_t> frozen;
  for (int i = 0; i < kMembers; ++i)
    if (i != leader) frozen.push_back(cluster.member(i).pid());
  for (pid_t pid : frozen) ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  HttpResult alone;
  for (auto until = Clock::now() + 15s; Clock::now() < until; std::this_thread::sleep_for(50ms)) {
    alone = http_request(cluster.metrics_port(leader), "GET", "/readyz");
    if (alone.status == 503) break;
  }
  for (pid_t pid : frozen) ::kill(pid, SIGCONT);
  EXPECT_EQ(alone.status, 503) << alone.body;
  EXPECT_NE(alone.body.find("aucun leader connu"), std::string::npos) << alone.body;

  int ready = 0;
  for (auto until = Clock::now() + 15s; Clock::now() < until && ready < kMembers; std::this_thread::sleep_for(50ms)) {
    ready = 0;
    for (int i = 0; i < kMembers; ++i) ready += http_request(cluster.metrics_port(i), "GET", "/readyz").status == 200;
  }
  EXPECT_EQ(ready, kMembers) << "every member ready again once the followers run";
}

}  // namespace
}  // namespace dispo::testing
