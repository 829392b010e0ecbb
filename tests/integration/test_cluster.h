// Three real dispo-broker processes on loopback, members of one Raft cluster (issue #16), and the
// pieces the cluster tests share: a client that follows the leader as dispo's own clients do, the
// members' endpoint lists, a member's event log and sequence.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "acknowledged_updates.h"
#include "broker_process.h"
#include "raft_link_proxy.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/text_rules.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {

constexpr int kMembers = 3;
constexpr const char* kFacility = "590000016";

class Cluster {
 public:
  // `metrics`: each member also serves /metrics, /healthz and /readyz (metrics_port(i)).
  // `proxied`: the members reach each other through a RaftLinkProxy each (partition()).
  // `curve`: the members are set up by `dispo-broker init --cluster` (in setup/: the same
  // initialised store for each, the shared broker key pair) and each starts from its own
  // dispo.toml, as on their machines — only its key's path, the metrics port and the test's
  // timings on the command line; their traffic goes over the member link, and clients use the
  // admin's keys (client_keys()).
  explicit Cluster(bool metrics = false, bool proxied = false, bool curve = false) {
    std::string raft;
    std::string api;
    std::string feed;
    std::vector<int> bind_ports;
    for (int i = 0; i < kMembers; ++i) {
      const std::string id = std::to_string(i + 1);
      members_.push_back(std::make_unique<BrokerProcess>(member_folder(i, curve) / "data"));
      if (!curve) std::filesystem::create_directories(member_folder(i, curve));
      const int raft_port = free_port();
      raft += (i ? "," : "") + id + "=127.0.0.1:" + std::to_string(raft_port);
      api += (i ? "," : "") + id + "=" + members_[i]->api();
      feed += (i ? "," : "") + id + "=" + members_[i]->feed();
      if (proxied) {
        bind_ports.push_back(free_port());
        proxies_.push_back(std::make_unique<RaftLinkProxy>(raft_port, bind_ports.back()));
      }
    }
    raft_ = raft;
    api_ = api;
    if (curve) set_up_with_init(feed);
    for (int i = 0; i < kMembers; ++i) {
      // A snapshot every 32 entries: every cluster test takes snapshots, compacts the log and
      // restarts members from a snapshot (the default, 8192, is rarely reached by a test).
      std::vector<std::string> args = {"--election-timeout-ms", "500", "--snapshot-every", "32"};
      if (curve) {
        const auto folder = member_folder(i, curve);
        args.insert(args.end(), {"--config", (folder / "dispo.toml").string(), "--curve-key",
                                 (folder / "broker.key").string()});
        members_[i]->set_probe_keys(keys_);
      } else {
        args.insert(args.end(), {"--node-id", std::to_string(i + 1), "--cluster", raft, "--cluster-api", api});
      }
      if (proxied) args.insert(args.end(), {"--cluster-bind", "127.0.0.1:" + std::to_string(bind_ports[i])});
      if (metrics) metrics_ports_.push_back(free_port());
      // Unless the test reads them: a port of the system's choosing, not the member's 9401.
      if (metrics || curve)
        args.insert(args.end(), {"--metrics", "127.0.0.1:" + std::to_string(metrics ? metrics_ports_.back() : 0)});
      members_[i]->set_extra_args(std::move(args));
    }
    for (auto& member : members_) member->start();
  }

  // A new member (ids 4, 5, …) started on an empty directory with --join: not in the configuration
  // until `dispo-admin cluster add ID raft_address(ID)` makes it a voter. With `curve`, it is given
  // a copy of member 1's broker.key, as the operator does.
  BrokerProcess& start_joining_member() {
    const std::string id = std::to_string(members_.size() + 1);
    auto member = std::make_unique<BrokerProcess>(dir_ / ("member-" + id) / "data");
    std::filesystem::create_directories(member->data_dir().parent_path());
    raft_addresses_.push_back("127.0.0.1:" + std::to_string(free_port()));
    std::vector<std::string> args = {"--node-id", id, "--cluster", raft_ + "," + id + "=" + raft_addresses_.back(),
                                     "--cluster-api", api_ + "," + id + "=" + member->api(), "--election-timeout-ms",
                                     "500", "--snapshot-every", "32", "--join"};
    if (!keys_.broker_public.empty()) {
      const auto key = member->data_dir().parent_path() / "broker.key";
      std::filesystem::copy_file(member_folder(0, true) / "broker.key", key);
      args.insert(args.end(), {"--curve-key", key.string(), "--metrics", "127.0.0.1:0"});
      member->set_probe_keys(keys_);
      member->set_up_when_the_key_is_refused(true);
    }
    member->set_extra_args(std::move(args));
    member->start();
    members_.push_back(std::move(member));
    return *members_.back();
  }
  // The Raft address of a member started by start_joining_member (`i` counted from 0).
  const std::string& joining_raft_address(int i) const { return raft_addresses_.at(i - kMembers); }

  // Cuts every link between the members of `side` and the others, both ways (proxied only).
  void partition(const std::vector<int>& side) {
    for (int i = 0; i < kMembers; ++i) {
      for (int j = 0; j < kMembers; ++j) {
        const bool i_in = std::find(side.begin(), side.end(), i) != side.end();
        const bool j_in = std::find(side.begin(), side.end(), j) != side.end();
        if (i_in != j_in) proxies_.at(i)->cut(static_cast<std::uint64_t>(j + 1));  // j's connections to i
      }
    }
  }
  void heal() {
    for (auto& proxy : proxies_) proxy->heal();
  }

  BrokerProcess& member(int i) { return *members_[i]; }
  // The admin's keys with a CURVE cluster; empty otherwise.
  const client::ClientKeys& client_keys() const { return keys_; }
  // With a CURVE cluster, the files a command-line client is given: --key and --broker-key.
  std::vector<std::string> key_flags() const {
    return {"--key", (dir_ / "setup" / "keys" / "admin.key").string(), "--broker-key",
            (dir_ / "setup" / "keys" / "broker.pub").string()};
  }
  RaftLinkProxy& proxy(int i) { return *proxies_.at(i); }
  int metrics_port(int i) const { return metrics_ports_.at(i); }
  std::string logs() const {
    std::string all;
    for (const auto& member : members_) all += "--- " + member->data_dir().string() + "\n" + member->log();
    return all;
  }

 private:
  TempDir dir_;
  std::vector<std::unique_ptr<RaftLinkProxy>> proxies_;  // outlive the members
  std::vector<std::unique_ptr<BrokerProcess>> members_;
  std::vector<int> metrics_ports_;
  std::string raft_;  // the first members' --cluster and --cluster-api lists
  std::string api_;
  std::vector<std::string> raft_addresses_;  // of the members that joined later
  client::ClientKeys keys_;

  std::filesystem::path member_folder(int i, bool curve) const {
    return (curve ? dir_ / "setup" : dir_.path()) / ("member-" + std::to_string(i + 1));
  }

  void set_up_with_init(const std::string& feed) {
    const auto init = run_command({broker_binary(), "init", "--cluster", raft_, "--cluster-api", api_,
                                   "--cluster-feed", feed, "--out", (dir_ / "setup").string(), "--admin", "admin"});
    if (init.exit_code != 0) throw std::runtime_error("dispo-broker init --cluster: " + init.err);
    auto broker = wire::read_key_file(dir_ / "setup" / "keys" / "broker.pub", false);
    auto admin = wire::read_key_file(dir_ / "setup" / "keys" / "admin.key", true);
    if (!broker || !admin) throw std::runtime_error("the keys written by dispo-broker init cannot be read");
    keys_ = {broker->public_key, admin->public_key, admin->secret_key};
  }
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
    session_ = std::make_unique<client::Session>(
        context, client::SessionOptions{list, std::chrono::milliseconds(300), 10, client_id, cluster.client_keys()});
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
  client::Session reader(context, {member.api(), std::chrono::seconds(1), 1, "reader", member.probe_keys()});
  auto snapshot = reader.call(snapshot_request());
  return snapshot ? (*snapshot)->sequence() : 0;
}


// One request to `member` alone and its reply as that member gives it — no Session, which would
// follow a refusal to the leader. Nothing when it does not answer within 5 s.
inline std::optional<std::string> ask_only(zmq::context_t& context, BrokerProcess& member, wire::RequestBodyUnion body) {
  zmq::socket_t dealer(context, zmq::socket_type::dealer);
  client::apply_client_keys(dealer, member.probe_keys());
  dealer.set(zmq::sockopt::linger, 0);
  dealer.set(zmq::sockopt::rcvtimeo, 5000);
  dealer.connect(member.api());
  wire::RequestT request;
  request.request_id = 1;
  request.client_id = "ask-only";
  request.body = std::move(body);
  const std::string bytes = wire::pack(request);
  dealer.send(zmq::buffer(bytes), zmq::send_flags::none);
  zmq::message_t reply;
  if (!dealer.recv(reply)) return std::nullopt;
  return reply.to_string();
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

// Stops `members` (each must exit cleanly) and expects their event logs identical; the first's.
inline EventLog stop_all_with_the_same_event_log(const std::vector<BrokerProcess*>& members) {
  for (BrokerProcess* member : members) EXPECT_EQ(member->stop(), 0) << member->log();
  EventLog first = event_log(*members.front());
  for (std::size_t i = 1; i < members.size(); ++i)
    EXPECT_TRUE(event_log(*members[i]) == first)
        << members[i]->data_dir() << "'s event log differs from " << members.front()->data_dir() << "'s";
  return first;
}
// The same for the cluster's first members; member 1's.
inline EventLog stop_all_with_the_same_event_log(Cluster& cluster) {
  std::vector<BrokerProcess*> members;
  for (int i = 0; i < kMembers; ++i) members.push_back(&cluster.member(i));
  return stop_all_with_the_same_event_log(members);
}

// Waits (60 s at most: a member catching up by snapshot on a loaded machine under the sanitizers)
// until every member's state is at `sequence` or later; says which did not, with its log's end.
inline void wait_all_reach(zmq::context_t& context, Cluster& cluster, std::uint64_t sequence) {
  for (int i = 0; i < kMembers; ++i) {
    const bool reached =
        poll_until([&] { return sequence_of(context, cluster.member(i)) >= sequence; }, std::chrono::seconds(60));
    if (!reached) {
      const std::string log = cluster.member(i).log();
      ADD_FAILURE() << "member " << i + 1 << " stayed at sequence " << sequence_of(context, cluster.member(i))
                    << " (expected " << sequence << "); the end of its log:\n"
                    << log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
    }
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

using Clock = std::chrono::steady_clock;

constexpr int kPublishers = 3;
constexpr int kUnitsPerPublisher = 5;

// Publishers writing through the cluster, each through a LeaderFollower, each to its own units,
// raising each unit's value by one at every update; what was acknowledged is kept by sequence.
// A publisher stops at its first failure (kept in failures()).
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
  // Waits (30 s at most) until `count` updates are acknowledged; whether they were.
  bool reach(std::size_t count) const {
    return poll_until([&] { return count_.load() >= count; }, std::chrono::seconds(30));
  }
  int leader() const { return leader_.load(); }
  Clock::time_point last_ack() {
    std::lock_guard lock(mutex_);
    return last_ack_;
  }
  Acknowledged acks() {
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
      const auto [it, fresh] = acks_.emplace((*reply)->sequence(), AcknowledgedUpdate{unit, value});
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
  Acknowledged acks_;
  std::vector<std::string> failures_;
  std::vector<std::thread> threads_;
};


// The facility the publishers write to: one unit per publisher and unit number, room for every value.
inline void register_publishers_facility(zmq::context_t& context, Cluster& cluster) {
  LeaderFollower admin(context, cluster, "admin");
  auto registered = admin.call(registration_of(
      make_facility(kFacility, kPublishers * kUnitsPerPublisher, wire::kMaxInstalledPlaces)));
  ASSERT_TRUE(registered) << registered.error().message << "\n" << cluster.logs();
}

}  // namespace dispo::testing
