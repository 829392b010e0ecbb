#include "cluster.h"

#include <chrono>
#include <future>
#include <stdexcept>
#include <utility>

#include "dispo/schemas/host_port.h"
#include "model/logger.h"

namespace dispo::broker {
namespace {

// An entry: who proposed it (member id, proposal number; 8 bytes each, little endian), then the
// batch. The proposer recognises its own entry when it is applied.
constexpr std::size_t kHeader = 16;

void put_u64(std::string& out, std::uint64_t value) {
  for (int k = 0; k < 8; ++k) out.push_back(static_cast<char>(value >> (8 * k)));
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t value = 0;
  for (int k = 0; k < 8; ++k) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[k])) << (8 * k);
  return value;
}

// How long a leader waits for a majority before telling the writers "not committed".
constexpr auto kCommitWait = std::chrono::seconds(5);

// "1=a,2=b" as (id, value) pairs; nothing when a piece is not ID=VALUE with ID a number above 0.
std::optional<std::vector<std::pair<std::uint64_t, std::string>>> pairs_of(std::string_view text) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view piece = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    std::size_t equals = piece.find('=');
    if (equals == std::string_view::npos || equals == 0) return std::nullopt;
    std::uint64_t id = 0;
    for (char c : piece.substr(0, equals)) {
      if (c < '0' || c > '9' || id > (UINT64_MAX - 9) / 10) return std::nullopt;
      id = id * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (id == 0) return std::nullopt;
    out.emplace_back(id, std::string(piece.substr(equals + 1)));
  }
  return out;
}

}  // namespace

Result<std::vector<ClusterMember>> parse_cluster(std::string_view raft, std::string_view api) {
  auto members = pairs_of(raft);
  if (!members || members->empty())
    return make_error(wire::Status::invalid,
                      "--cluster attend ID=HÔTE:PORT,… (ex. 1=127.0.0.1:7401,2=127.0.0.1:7402), ID un nombre > 0");
  std::vector<ClusterMember> cluster;
  for (auto& [id, address] : *members) {
    for (const ClusterMember& seen : cluster)
      if (seen.id == id) return make_error(wire::Status::invalid, "--cluster : le nœud " + std::to_string(id) + " figure deux fois");
    auto host_port = wire::parse_host_port(address);
    if (!host_port || host_port->host.empty() || host_port->port == 0)
      return make_error(wire::Status::invalid, "--cluster : « " + address + " » n'est pas HÔTE:PORT");
    cluster.push_back({id, address, {}});
  }
  auto apis = pairs_of(api);
  if (!apis) return make_error(wire::Status::invalid, "--cluster-api attend ID=ADRESSE,… (ex. 1=tcp://10.0.0.1:7001)");
  for (auto& [id, endpoint] : *apis) {
    bool found = false;
    for (ClusterMember& member : cluster)
      if (member.id == id) {
        member.api = endpoint;
        found = true;
      }
    if (!found)
      return make_error(wire::Status::invalid, "--cluster-api : le nœud " + std::to_string(id) + " n'est pas dans --cluster");
  }
  return cluster;
}

Cluster::Cluster(Store& store, const BrokerOptions& options) : store_(store), options_(options) {
  ReplicatedLog::Options log_options;
  log_options.id = options.node_id;
  log_options.directory = (options.data_dir / "raft").string();
  for (const ClusterMember& member : options.cluster)
    log_options.cluster.push_back({member.id, member.raft});
  // No snapshot yet: the log is kept whole, and a member whose data was wiped replays it all.
  log_options.snapshot_threshold = 1u << 30;
  log_options.election_timeout_ms = options.election_timeout_ms;
  log_options.heartbeat_timeout_ms = std::max(10u, options.election_timeout_ms / 10);
  ReplicatedLog::StateMachine machine;
  machine.apply = [this](std::uint64_t index, std::string_view entry) { apply(index, entry); };
  machine.snapshot = []() -> std::string {
    throw std::runtime_error("snapshots are not taken by this version");
  };
  machine.restore = [](std::string_view) {
    throw std::runtime_error("snapshots are not restored by this version");
  };
  log_ = ReplicatedLog::start(std::move(log_options), std::move(machine));
}

Cluster::~Cluster() { log_.reset(); }

// The log's thread. A batch that cannot be written stops this member (ReplicatedLog aborts):
// going on would leave its store behind the others'.
void Cluster::apply(std::uint64_t index, std::string_view entry) {
  if (entry.size() < kHeader) throw std::runtime_error("an entry without its header");
  const std::uint64_t proposer = get_u64(entry.substr(0, 8));
  const std::uint64_t number = get_u64(entry.substr(8, 8));
  if (auto written = store_.apply_replicated(entry.substr(kHeader), index); !written)
    throw std::runtime_error(written.error().message);
  if (proposer != options_.node_id || number != awaited_.load()) foreign_applied_.store(true);
}

Result<void> Cluster::commit(Store::Batch& batch) {
  if (!ready_) return not_leading(log_->status());
  std::string entry;
  put_u64(entry, options_.node_id);
  put_u64(entry, ++proposals_);
  entry += batch.data();
  awaited_.store(proposals_);
  auto outcome = std::make_shared<std::promise<ReplicatedLog::Outcome>>();
  auto decided = outcome->get_future();
  log_->propose(std::move(entry), [outcome](const ReplicatedLog::Outcome& result) { outcome->set_value(result); });
  if (decided.wait_for(kCommitWait) != std::future_status::ready) {
    awaited_.store(0);
    foreign_applied_.store(true);  // it may be committed later: reload then
    ready_ = false;
    return make_error(wire::Status::unavailable,
                      "la majorité du cluster n'a pas répondu à temps : rien n'est confirmé, réessayez");
  }
  ReplicatedLog::Outcome result = decided.get();
  awaited_.store(0);
  if (!result.committed) {
    ready_ = false;
    foreign_applied_.store(true);
    logger()->warn("replicated commit refused: {}", result.error);
    return not_leading(log_->status());
  }
  batch.clear();
  return {};
}

void Cluster::hand_over_leadership() {
  if (log_->status().role != ReplicatedLog::Role::leader) return;
  auto outcome = std::make_shared<std::promise<ReplicatedLog::Outcome>>();
  auto decided = outcome->get_future();
  const auto started = std::chrono::steady_clock::now();
  log_->transfer_leadership([outcome](const ReplicatedLog::Outcome& result) { outcome->set_value(result); });
  const auto wait = std::chrono::milliseconds(2 * options_.election_timeout_ms + 1000);
  if (decided.wait_for(wait) != std::future_status::ready) {
    logger()->warn("cluster: member {} stops without handing the leadership over (no answer in {} ms)",
                   options_.node_id, wait.count());
    return;
  }
  const auto result = decided.get();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (result.committed) {
    logger()->info("cluster: member {} handed the leadership to member {} in {} ms before stopping",
                   options_.node_id, result.leader_id, took.count());
  } else {
    logger()->warn("cluster: member {} stops without handing the leadership over: {}", options_.node_id,
                   result.error);
  }
}

Cluster::Turn Cluster::turn() {
  const ReplicatedLog::Status status = log_->status();
  if (status.role != ReplicatedLog::Role::leader) {
    if (ready_) logger()->warn("cluster: member {} no longer leads", options_.node_id);
    ready_ = false;
  } else if (!ready_) {
    if (!barrier_in_flight_) {
      barrier_in_flight_ = true;
      barrier_result_.store(0);
      log_->barrier([this](const ReplicatedLog::Outcome& outcome) {
        barrier_result_.store(outcome.committed ? 1 : 2);
      });
    } else if (int result = barrier_result_.exchange(0); result != 0) {
      barrier_in_flight_ = false;
      ready_ = result == 1;
      if (ready_) logger()->info("cluster: member {} leads and takes writes", options_.node_id);
    }
  }
  Turn turn;
  turn.reload = foreign_applied_.exchange(false);
  if (!ready_) turn.refusal = not_leading(status);
  return turn;
}

Error Cluster::not_leading(const ReplicatedLog::Status& status) const {
  if (status.leader_id == 0 || status.leader_id == options_.node_id)
    return make_error(wire::Status::not_leader,
                      "le cluster élit son leader : aucune écriture n'est prise pour l'instant, "
                      "réessayez dans quelques secondes");
  std::string where = status.leader_address;
  for (const ClusterMember& member : options_.cluster)
    if (member.id == status.leader_id && !member.api.empty()) where = member.api;
  return make_error(wire::Status::not_leader, "ce nœud n'est pas le leader du cluster : écrivez au nœud " +
                                                   std::to_string(status.leader_id) + " (" + where + ")");
}

}  // namespace dispo::broker
