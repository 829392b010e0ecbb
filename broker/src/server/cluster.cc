#include "cluster.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <stdexcept>
#include <utility>

#include "dispo/schemas/host_port.h"
#include "model/logger.h"
#include "model/replies.h"
#include "replication/loopback_ports.h"

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

// Starts an operation of the log with its callback and waits up to `wait` for its outcome (the
// callback comes on the log's thread); nothing if it did not come in time.
template <typename Start>
std::optional<ReplicatedLog::Outcome> wait_for_outcome(Start start, std::chrono::milliseconds wait) {
  auto outcome = std::make_shared<std::promise<ReplicatedLog::Outcome>>();
  auto decided = outcome->get_future();
  start([outcome](const ReplicatedLog::Outcome& result) { outcome->set_value(result); });
  if (decided.wait_for(wait) != std::future_status::ready) return std::nullopt;
  return decided.get();
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
  // Where clients reach this member: its own --cluster-api entry, else the TCP api it binds unless
  // that is a wildcard address (which names no machine).
  for (const ClusterMember& member : options.cluster)
    if (member.id == options.node_id) own_api_ = member.api;
  if (own_api_.empty() && options.api.rfind("tcp://", 0) == 0 && options.api.find('*') == std::string::npos &&
      options.api.find("0.0.0.0") == std::string::npos)
    own_api_ = options.api;
  ReplicatedLog::Options log_options;
  log_options.id = options.node_id;
  log_options.directory = (options.data_dir / "raft").string();
  for (const ClusterMember& member : options.cluster)
    log_options.cluster.push_back({member.id, member.raft});
  log_options.snapshot_threshold = options.snapshot_every;
  log_options.snapshot_trailing = std::max(64u, options.snapshot_every / 8);
  log_options.join = options.cluster_join;
  log_options.bind_address = options.cluster_bind;
  if (!options.curve_secret_key.empty()) {
    std::string address;
    for (const ClusterMember& member : options.cluster)
      if (member.id == options.node_id) address = member.raft;
    const int raft_port = free_loopback_port();
    link_ = MemberLink::start({options.cluster_bind.empty() ? address : options.cluster_bind, raft_port,
                               options.curve_public_key, options.curve_secret_key});
    log_options.bind_address = "127.0.0.1:" + std::to_string(raft_port);
    log_options.route = [link = link_.get()](const std::string& to) { return link->route(to); };
  }
  log_options.election_timeout_ms = options.election_timeout_ms;
  log_options.heartbeat_timeout_ms = std::max(10u, options.election_timeout_ms / 10);
  ReplicatedLog::StateMachine machine;
  machine.apply = [this](std::uint64_t index, std::string_view entry) { apply(index, entry); };
  machine.snapshot = [this] { return take_snapshot(); };
  machine.restore = [this](std::string_view image) { restore(image); };
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  log_ = ReplicatedLog::start(std::move(log_options), std::move(machine));
}

Cluster::~Cluster() {
  log_.reset();  // no callback after this
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

// The log's thread. A batch that cannot be written stops this member (ReplicatedLog aborts):
// going on would leave its store behind the others'.
void Cluster::apply(std::uint64_t index, std::string_view entry) {
  if (entry.size() < kHeader) throw std::runtime_error("an entry without its header");
  const std::uint64_t proposer = get_u64(entry.substr(0, 8));
  const std::uint64_t number = get_u64(entry.substr(8, 8));
  if (auto written = store_.apply_replicated(entry.substr(kHeader), index); !written)
    throw std::runtime_error(written.error().message);
  if (proposer == options_.node_id) {
    std::lock_guard lock(proposals_mutex_);
    if (awaited_.contains(number)) return;  // this member's own batch, already in its state
  }
  foreign_applied_.store(true);
}

// The log's thread, every snapshot_every entries: the whole store, as of the last entry applied.
std::string Cluster::take_snapshot() {
  const auto started = std::chrono::steady_clock::now();
  auto image = store_.image();
  if (!image) throw std::runtime_error(image.error().message);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  logger()->info("cluster: member {} took a snapshot of its store ({} bytes in {} ms)", options_.node_id,
                 image->size(), took.count());
  return std::move(*image);
}

// The log's thread: at start-up (this member's last snapshot) or when the leader sends one (this
// member was too far behind, or wiped). A store already at or past the snapshot keeps what it has:
// every entry it wrote is committed, so it is the same history further on.
void Cluster::restore(std::string_view image) {
  auto at = Store::replicated_index_of_image(image);
  if (!at) throw std::runtime_error(at.error().message);
  auto held = store_.replicated_index();
  if (!held) throw std::runtime_error(held.error().message);
  if (*held >= *at) return;
  if (auto restored = store_.restore_image(image); !restored) throw std::runtime_error(restored.error().message);
  foreign_applied_.store(true);
  logger()->info("cluster: member {} restored a snapshot of the store at entry {} ({} bytes; it held entry {})",
                 options_.node_id, *at, image.size(), *held);
}

Result<std::uint64_t> Cluster::propose(Store::Batch& batch) {
  if (!ready_) {
    forget_proposals();
    return not_leading(log_->status());
  }
  const std::uint64_t number = ++proposals_;
  std::string entry;
  put_u64(entry, options_.node_id);
  put_u64(entry, number);
  entry += batch.data();
  {
    std::lock_guard lock(proposals_mutex_);
    awaited_.insert(number);
  }
  proposed_.push_back({number, std::chrono::steady_clock::now()});
  log_->propose(std::move(entry), [this, number](const ReplicatedLog::Outcome& outcome) {
    {
      std::lock_guard lock(proposals_mutex_);
      if (!awaited_.contains(number)) return;  // forgotten after an earlier failure
      decided_[number] = outcome;
    }
    const std::uint64_t one = 1;
    if (::write(wake_fd_, &one, sizeof one) < 0) {
      // The eventfd cannot overflow here; the loop also looks every 100 ms.
    }
  });
  batch.clear();
  return number;
}

std::vector<Cluster::Settled> Cluster::take_settled() {
  std::uint64_t count = 0;
  if (::read(wake_fd_, &count, sizeof count) < 0) count = 0;  // EAGAIN: nothing new
  std::vector<Settled> settled;
  const auto now = std::chrono::steady_clock::now();
  while (!proposed_.empty()) {
    const Proposal front = proposed_.front();
    std::optional<ReplicatedLog::Outcome> outcome;
    {
      std::lock_guard lock(proposals_mutex_);
      if (auto found = decided_.find(front.number); found != decided_.end()) {
        outcome = std::move(found->second);
        decided_.erase(found);
        awaited_.erase(front.number);
      }
    }
    if (!outcome) {
      if (now - front.at < kCommitWait) break;
      settled.push_back({front.number, make_error(wire::Status::unavailable,
                                                  "la majorité du cluster n'a pas répondu à temps : rien n'est "
                                                  "confirmé, réessayez")});
    } else if (outcome->committed) {
      proposed_.pop_front();
      settled.push_back({front.number, {}});
      continue;
    } else {
      logger()->warn("replicated commit refused: {}", outcome->error);
      settled.push_back({front.number, not_leading(log_->status())});
    }
    // Not committed (or not yet: it may be later, and is then applied as another member's entry):
    // this member takes writes again only after a barrier, from a state reloaded from its store.
    ready_ = false;
    foreign_applied_.store(true);
    forget_proposals();
    break;
  }
  return settled;
}

void Cluster::forget_proposals() {
  proposed_.clear();
  std::lock_guard lock(proposals_mutex_);
  awaited_.clear();
  decided_.clear();
}

void Cluster::hand_over_leadership() {
  if (log_->status().role != ReplicatedLog::Role::leader) return;
  const auto started = std::chrono::steady_clock::now();
  const auto wait = std::chrono::milliseconds(2 * options_.election_timeout_ms + 1000);
  const auto result =
      wait_for_outcome([&](ReplicatedLog::Done done) { log_->transfer_leadership(std::move(done)); }, wait);
  if (!result) {
    logger()->warn("cluster: member {} stops without handing the leadership over (no answer in {} ms)",
                   options_.node_id, wait.count());
    return;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (result->committed) {
    logger()->info("cluster: member {} handed the leadership to member {} in {} ms before stopping",
                   options_.node_id, result->leader_id, took.count());
  } else {
    logger()->warn("cluster: member {} stops without handing the leadership over: {}", options_.node_id,
                   result->error);
  }
}

Cluster::Turn Cluster::turn() {
  const ReplicatedLog::Status status = log_->status();
  const auto now = std::chrono::steady_clock::now();
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
      if (ready_ && !own_api_.empty()) {
        auto announced = store_.member_api(options_.node_id);
        if (!announced || *announced != own_api_) announce_ = true;
      }
    }
  }
  // After the barrier's outcome: the turn a new leader becomes ready, its answers (the first
  // writes it acknowledges) do not say it was out of touch.
  if ((status.role == ReplicatedLog::Role::leader && ready_) ||
      (status.role == ReplicatedLog::Role::follower && status.leader_id != 0)) {
    last_in_touch_ = now;
  }
  lag_ms_.store(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now - last_in_touch_).count()));
  Turn turn;
  turn.reload = foreign_applied_.exchange(false);
  // The leader's api endpoint, for refusals (their text and Reply.leader_api): looked up again only
  // when the leader changes or other members' batches arrived (one may be the leader's announcement).
  if (status.leader_id != known_leader_ || turn.reload) {
    known_leader_ = status.leader_id;
    const bool elsewhere = status.leader_id != 0 && status.leader_id != options_.node_id;
    known_leader_api_ = elsewhere ? api_of(status.leader_id) : std::string{};
    stamp_leader_api(known_leader_api_);
  }
  if (!ready_) turn.refusal = not_leading(status);
  if (ready_ && announce_) turn.announce_api = own_api_;
  announce_ = false;
  return turn;
}

Error Cluster::not_leading(const ReplicatedLog::Status& status) const {
  if (status.leader_id == 0 || status.leader_id == options_.node_id)
    return make_error(wire::Status::not_leader,
                      "le cluster élit son leader : aucune écriture n'est prise pour l'instant, "
                      "réessayez dans quelques secondes");
  std::string where = status.leader_id == known_leader_ ? known_leader_api_ : api_of(status.leader_id);
  if (where.empty()) where = status.leader_address;
  return make_error(wire::Status::not_leader, "ce nœud n'est pas le leader du cluster : adressez-vous au nœud " +
                                                   std::to_string(status.leader_id) + " (" + where + ")");
}

std::string Cluster::api_of(std::uint64_t id) const {
  for (const ClusterMember& member : options_.cluster)
    if (member.id == id && !member.api.empty()) return member.api;
  auto announced = store_.member_api(id);
  return announced ? *announced : std::string{};
}

namespace {

wire::ClusterRole wire_role(ReplicatedLog::Role role) {
  switch (role) {
    case ReplicatedLog::Role::follower: return wire::ClusterRole::follower;
    case ReplicatedLog::Role::candidate: return wire::ClusterRole::candidate;
    case ReplicatedLog::Role::leader: return wire::ClusterRole::leader;
    case ReplicatedLog::Role::unavailable: break;
  }
  return wire::ClusterRole::unavailable;
}

wire::MemberVote wire_vote(ReplicatedLog::Vote vote) {
  switch (vote) {
    case ReplicatedLog::Vote::voter: return wire::MemberVote::voter;
    case ReplicatedLog::Vote::standby: return wire::MemberVote::standby;
    case ReplicatedLog::Vote::spare: break;
  }
  return wire::MemberVote::spare;
}

// Why a change was not made, for the admin who asked for it (`address`: an added member's).
std::string change_refused(const ReplicatedLog::Outcome& outcome, std::uint64_t node, const std::string& address) {
  const std::string member = "le nœud " + std::to_string(node);
  switch (outcome.refusal) {
    case ReplicatedLog::Refusal::unreachable:
      return member + " ne répond pas à " + address +
             " : démarrez-le d'abord (dispo-broker --join, un répertoire de données vide, sa propre entrée dans "
             "--cluster), puis relancez la commande ; " +
             (outcome.kept_spare ? "il reste dans le cluster en attente, sans vote : retirez-le (dispo-admin cluster "
                                   "remove " + std::to_string(node) + ")"
                                 : std::string("rien n'a été changé"));
    case ReplicatedLog::Refusal::unknown_member: return member + " n'est pas dans le cluster";
    case ReplicatedLog::Refusal::known_member:
      return member + " (ou son adresse) est déjà dans le cluster : rien n'a été changé";
    case ReplicatedLog::Refusal::change_in_progress:
      return "un autre changement du cluster est en cours : réessayez quand il sera fini (dispo-admin cluster status)";
    case ReplicatedLog::Refusal::not_leader:
      return "ce nœud a perdu la direction du cluster pendant le changement : vérifiez (dispo-admin cluster status) "
             "puis réessayez";
    case ReplicatedLog::Refusal::timed_out:
      return "aucun autre nœud n'a pris la direction à temps : le leader reste le même";
    case ReplicatedLog::Refusal::none:
    case ReplicatedLog::Refusal::other: break;
  }
  return "changement du cluster refusé (" + outcome.error + ")";
}

}  // namespace

std::string Cluster::status_reply(std::uint64_t request_id, std::uint64_t sequence) const {
  const ReplicatedLog::Status status = log_->status();
  wire::ClusterStatusT view;
  view.node_id = options_.node_id;
  view.role = wire_role(status.role);
  view.leader_id = status.leader_id;
  view.first_index = status.first_index;
  view.last_index = status.last_index;
  view.applied_index = status.last_applied;
  view.snapshot_index = status.snapshot_index;
  view.lag_ms = lag_ms_.load();
  for (const auto& member : status.members) {
    auto state = std::make_unique<wire::ClusterMemberStateT>();
    state->id = member.id;
    state->raft_address = member.address;
    state->vote = wire_vote(member.vote);
    state->api = api_of(member.id);
    if (member.progress_known) {
      state->replicated_index = member.replicated_index;
      state->contact = member.in_touch ? wire::MemberContact::in_touch : wire::MemberContact::out_of_touch;
      state->silent_ms = member.silent_ms;
    }
    if (member.id == status.leader_id) view.leader_api = state->api.empty() ? member.address : state->api;
    view.members.push_back(std::move(state));
  }
  return encode_reply(request_id, wire::Status::ok, "", sequence, [&](flatbuffers::FlatBufferBuilder& builder) {
    return std::pair{wire::ReplyBody::ClusterStatus, wire::ClusterStatus::Pack(builder, &view).Union()};
  });
}

std::string Cluster::handle(const wire::Request& request, const RequestOrigin& origin, std::uint64_t sequence) {
  if (request.body_type() == wire::RequestBody::ClusterStatusRequest) return status_reply(request.request_id(), sequence);
  return change(*request.body_as_ClusterChange(), request.request_id(), origin, sequence);
}

std::string Cluster::change(const wire::ClusterChange& change, std::uint64_t request_id, const RequestOrigin& origin,
                            std::uint64_t sequence) {
  if (!ready_) return encode_error(request_id, not_leading(log_->status()), sequence);
  const std::string address = change.raft_address() ? change.raft_address()->str() : "";
  if (change.action() == wire::ClusterAction::add) {
    auto host_port = wire::parse_host_port(address);
    if (change.node_id() == 0 || !host_port || host_port->host.empty() || host_port->port == 0)
      return encode_error(request_id,
                          make_error(wire::Status::invalid,
                                     "ajout d'un nœud : il faut son numéro (> 0) et son adresse HÔTE:PORT"),
                          sequence);
    if (!link_ && address.rfind("127.", 0) != 0)
      return encode_error(request_id,
                          make_error(wire::Status::invalid,
                                     "ajout d'un nœud : sans clé CURVE (--curve-key), le trafic entre nœuds est en "
                                     "clair et seules les adresses de boucle locale 127.x.x.x sont acceptées"),
                          sequence);
  } else if (change.action() == wire::ClusterAction::remove) {
    if (change.node_id() == 0)
      return encode_error(request_id, make_error(wire::Status::invalid, "retrait d'un nœud : il faut son numéro"),
                          sequence);
    if (change.node_id() == options_.node_id)
      return encode_error(request_id,
                          make_error(wire::Status::invalid,
                                     "le leader ne se retire pas lui-même : transférez d'abord la direction "
                                     "(dispo-admin cluster transfer), puis retirez-le depuis le nouveau leader"),
                          sequence);
  }
  ++in_flight_;
  auto route = std::make_shared<Answer>();
  route->routing_id = std::string(origin.routing_id);
  route->delimiter = origin.delimiter;
  const wire::ClusterAction action = change.action();
  const std::uint64_t node = change.node_id();
  auto done = [this, route, request_id, sequence, action, node, address](const ReplicatedLog::Outcome& outcome) {
    if (outcome.committed) {
      logger()->info("cluster: {} of member {} done", wire::EnumNameClusterAction(action), node);
      route->bytes = status_reply(request_id, sequence);
    } else {
      logger()->warn("cluster: {} of member {} refused: {}", wire::EnumNameClusterAction(action), node, outcome.error);
      route->bytes = encode_error(request_id, make_error(wire::Status::conflict, change_refused(outcome, node, address)), sequence);
    }
    std::lock_guard lock(answers_mutex_);
    answers_.push_back(std::move(*route));
    --in_flight_;
  };
  switch (action) {
    case wire::ClusterAction::add: log_->add_member({node, address}, std::move(done)); break;
    case wire::ClusterAction::remove: log_->remove_member(node, std::move(done)); break;
    case wire::ClusterAction::transfer: log_->transfer_leadership(std::move(done), node); break;
  }
  return {};
}

std::vector<Cluster::Answer> Cluster::take_answers() {
  std::lock_guard lock(answers_mutex_);
  return std::exchange(answers_, {});
}

Result<void> Cluster::refer_read_behind(std::uint64_t at_least, std::uint64_t sequence) const {
  const ReplicatedLog::Status status = log_->status();
  if (status.leader_id == 0 || status.leader_id == options_.node_id) return {};
  Error elsewhere = not_leading(status);
  elsewhere.message = "ce nœud n'a pas encore la séquence " + std::to_string(at_least) + " (il en est à " +
                      std::to_string(sequence) + ") ; " + elsewhere.message;
  return elsewhere;
}

Result<void> Cluster::confirm_current() {
  if (!ready_) {
    const ReplicatedLog::Status status = log_->status();
    if (status.leader_id == 0 || status.leader_id == options_.node_id)
      return make_error(wire::Status::not_leader,
                        "lecture à jour impossible : ce nœud ne joint aucun leader du cluster ; réessayez dans "
                        "quelques secondes, ou lisez sans --current (données possiblement anciennes)");
    Error elsewhere = not_leading(status);
    elsewhere.message = "lecture à jour : " + elsewhere.message;
    return elsewhere;
  }
  const auto confirmed =
      wait_for_outcome([&](ReplicatedLog::Done done) { log_->barrier(std::move(done)); }, std::chrono::seconds(2));
  if (!confirmed || !confirmed->committed) {
    return make_error(wire::Status::unavailable,
                      "lecture à jour impossible : la majorité du cluster ne confirme pas ce leader ; réessayez");
  }
  return {};
}

}  // namespace dispo::broker
