// BrokerProbe: the broker's measures for Prometheus, kept apart from the logic they measure.
// The event loop reports what happens (requests answered, commits, feed traffic) and asks for a
// rendering about once a second; gauges (places, staleness, requests, holds, alerts, RocksDB
// sizes, disk) are read from the state at rendering time. Metric names and labels are listed in
// broker/README.md ("Metrics"). Owned by the event loop thread: not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/broker_state.h"
#include "storage/store.h"
#include "dispo/schemas/prometheus.h"

namespace dispo::broker {

class BrokerProbe {
 public:
  BrokerProbe();

  // One request answered in the loop: its type from the request frame (unknown when it cannot
  // be decoded) and its status from the reply.
  void on_request(std::string_view request_frame, std::string_view reply);
  // One group commit: the requests it answers and how long the synced write took.
  void on_commit(std::size_t requests, std::chrono::steady_clock::duration took, bool committed);
  void on_published(std::size_t events, std::size_t alerts);
  void on_subscription(bool subscribe);

  // A member of a cluster as its Raft log sees itself (issue #16); the server fills it in.
  struct ClusterView {
    std::uint64_t node_id = 0;
    std::string role;               // leader, follower, candidate or unavailable
    std::uint64_t leader_id = 0;    // 0: no leader known (no majority reachable from here)
    std::uint64_t first_index = 0;  // the oldest entry kept in the Raft log
    std::uint64_t last_index = 0;   // the newest entry appended here
    std::uint64_t applied_index = 0;
    // On the leader: each other member, whether it answered within an election timeout and how
    // many entries of the leader's log it lacks. Empty elsewhere.
    struct Member {
      std::uint64_t id = 0;
      bool in_touch = false;
      std::uint64_t behind = 0;
    };
    std::vector<Member> members;
  };

  struct Context {
    const BrokerState& state;
    const Store& store;
    const std::filesystem::path& data_dir;
    std::uint64_t committed_sequence;
    bool writes_refused;
    std::int64_t now_ms;
    const ClusterView* cluster = nullptr;  // nullptr: a single broker
  };
  std::string render(const Context& context) const;

 private:
  void render_places(metrics::Exposition& out, const Context& context) const;
  void render_workflow(metrics::Exposition& out, const Context& context) const;
  void render_storage(metrics::Exposition& out, const Context& context) const;
  static void render_cluster(metrics::Exposition& out, const ClusterView& cluster);

  std::map<std::pair<std::string, std::string>, std::uint64_t> requests_;  // (type, status) -> count
  metrics::Histogram batch_requests_;
  metrics::Histogram commit_seconds_;
  std::uint64_t commit_failures_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t alerts_ = 0;
  std::int64_t subscriptions_ = 0;
};

}  // namespace dispo::broker
