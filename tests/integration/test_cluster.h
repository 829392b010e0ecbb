// Three real dispo-broker processes on loopback, members of one Raft cluster (issue #16), and the
// pieces the cluster tests share: a client that follows the leader as dispo's own clients do, the
// members' endpoint lists, a member's event log and sequence.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "acknowledged_updates.h"
#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {

constexpr int kMembers = 3;
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
inline std::string all_members(Cluster& cluster, const std::string& (BrokerProcess::*endpoint)() const, int first) {
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
    session_ = std::make_unique<client::Session>(context, client::SessionOptions{list, std::chrono::milliseconds(300), 10, client_id});
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

// A stopped member's event log.
inline EventLog event_log(const BrokerProcess& member) { return event_log_in(member.data_dir()); }

inline std::uint64_t sequence_of(zmq::context_t& context, BrokerProcess& member) {
  client::Session reader(context, {member.api(), std::chrono::seconds(1), 1, "reader"});
  auto snapshot = reader.call(snapshot_request());
  return snapshot ? (*snapshot)->sequence() : 0;
}


// Polls `done` every millisecond until it holds or `timeout` passes; whether it held.
template <typename Predicate>
bool poll_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Stops every member (each must exit cleanly) and expects their event logs identical; member 1's.
inline EventLog stop_all_with_the_same_event_log(Cluster& cluster) {
  for (int i = 0; i < kMembers; ++i) EXPECT_EQ(cluster.member(i).stop(), 0) << cluster.member(i).log();
  EventLog first = event_log(cluster.member(0));
  for (int i = 1; i < kMembers; ++i)
    EXPECT_TRUE(event_log(cluster.member(i)) == first) << "member " << i + 1 << "'s event log differs from member 1's";
  return first;
}

// Waits (20 s at most) until every member's state is at `sequence` or later.
inline void wait_all_reach(zmq::context_t& context, Cluster& cluster, std::uint64_t sequence) {
  for (int i = 0; i < kMembers; ++i) {
    poll_until([&] { return sequence_of(context, cluster.member(i)) >= sequence; }, std::chrono::seconds(20));
  }
}

// Every member but `kept` frozen (SIGSTOP) — cut from it as by a partition, alive — until thaw().
inline std::vector<pid_t> freeze_all_but(Cluster& cluster, int kept) {
  std::vector<pid_t> frozen;
  for (int i = 0; i < kMembers; ++i) {
    if (i == kept) continue;
    EXPECT_EQ(::kill(cluster.member(i).pid(), SIGSTOP), 0);
    frozen.push_back(cluster.member(i).pid());
  }
  return frozen;
}
inline void thaw(const std::vector<pid_t>& frozen) {
  for (pid_t pid : frozen) ::kill(pid, SIGCONT);
}

}  // namespace dispo::testing
