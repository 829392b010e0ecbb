// The event loop: one thread, one turn after another. Each turn feeds systemd's watchdog, retries
// the storage and the feed if they are down, publishes due heartbeats, runs due housekeeping, then
// polls the sockets and serves what waits: CURVE handshakes, finished reports, feed subscriptions,
// and a batch of requests, committed at once (group_commit.h).
#include "dispo/broker/broker.h"
#include "dispo/broker/metrics.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "access/feed_topics.h"
#include "cluster.h"
#include "dispatcher.h"
#include "group_commit.h"
#include "housekeeping.h"
#include "intake.h"
#include "metrics/broker_probe.h"
#include "model/logger.h"
#include "sockets.h"
#include "storage/backup.h"
#include "storage/log_reader.h"
#include "storage/reply_cache.h"
#include "storage/storage_guard.h"
#include "storage/store.h"
#include "writes/alerts.h"

namespace dispo::broker {

struct Broker::Impl {
  Impl(const BrokerOptions& broker_options, std::unique_ptr<Store> opened)
      : options(broker_options),
        api(context, options, state.principals),
        store(std::move(opened)),
        storage(options.data_dir, options.min_free_bytes, options.storage_retry),
        replies(*store),
        dispatcher(state, replies, *store, options.max_message_bytes),
        log_reader(*store),
        probe(options.metrics ? std::make_unique<BrokerProbe>() : nullptr),
        feed(context, options, api, state.principals, probe.get()),
        intake(options, state.principals, api.curve()),
        batch({state, *store, replies, dispatcher, storage, log_reader, probe.get(), api.curve()},
              [this](Store::Batch& staged) -> Result<GroupCommit::Ticket> {
                if (cluster) return cluster->propose(staged);
                if (auto committed = store->commit(staged); !committed) return committed.error();
                return GroupCommit::Ticket{0};  // durable already
              }),
        housekeeping(options.heartbeat) {
    state.stale_after_ms = std::chrono::milliseconds(options.stale_after).count();
    state.escalate_after_ms = std::chrono::milliseconds(options.escalate_after).count();
  }

  Result<void> load();
  void turn();
  void serve_batch();
  void close_batch();
  void deliver(GroupCommit::Closed closed);
  void settle_proposals();
  bool may_open_batch() const { return batch.in_flight() < kMaxBatchesInFlight; }
  void send_log_reads();
  void housekeeping_if_due();
  void publish_metrics();
  void refresh_storage();
  void update_write_refusal();
  void follow_cluster();
  void reload_replicated();

  BrokerOptions options;
  zmq::context_t context{1};
  BrokerState state;
  ApiSocket api;
  std::unique_ptr<Store> store;
  StorageGuard storage;
  ReplyCache replies;
  Dispatcher dispatcher;
  // Stopped (its thread joined) before the store it reads is closed.
  LogReader log_reader;
  std::unique_ptr<BrokerProbe> probe;  // only with options.metrics
  Feed feed;
  Intake intake;
  GroupCommit batch;
  Housekeeping housekeeping;
  StartupReport startup;
  // A cluster member (options.node_id): started once the state is loaded, stopped first.
  std::unique_ptr<Cluster> cluster;
  std::optional<Error> cluster_refusal;  // why writes go elsewhere (not the leader)
  // Other members' batches arrived since the last reload: reloaded at most every kReloadEvery, so
  // that a follower under a stream of small batches does not spend its time rebuilding its state.
  bool reload_pending = false;
  std::chrono::steady_clock::time_point last_reload{};
  // A barrier confirmed this member's leadership during the current batch: the batch's other
  // current reads (they all arrived before it began) need no other.
  bool current_confirmed = false;
  static constexpr std::chrono::milliseconds kReloadEvery{50};
  static constexpr std::size_t kAlertsPublishedPerOwner = 256;  // per reload
  // A cluster's leader dispatches the next batches while earlier ones are being replicated, up to
  // this many closed and not yet released (a single broker's commit is durable when it returns).
  static constexpr std::size_t kMaxBatchesInFlight = 8;
};

Result<void> Broker::Impl::load() {
  const auto started = std::chrono::steady_clock::now();
  if (auto loaded = batch.load(); !loaded) return loaded.error();
  startup.facilities = state.index.facilities().size();
  startup.units = state.index.unit_count();
  startup.sequence = state.sequence;
  startup.load_time =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  return {};
}

void Broker::Impl::refresh_storage() {
  if (storage.refresh(*store, std::chrono::steady_clock::now())) update_write_refusal();
}

// Writes are refused while this member does not lead its cluster, or while its storage is degraded.
void Broker::Impl::update_write_refusal() {
  if (cluster_refusal) {
    dispatcher.refuse_writes(cluster_refusal);
  } else {
    dispatcher.refuse_writes(storage.degraded() ? std::optional<Error>(storage.refusal()) : std::nullopt);
  }
}

// A cluster member, each turn: whether it leads (writes taken or refused) and whether batches it
// did not write itself reached its store (then the state is reloaded and their events published).
void Broker::Impl::follow_cluster() {
  Cluster::Turn now = cluster->turn();
  stamp_replies(options.node_id, cluster->lag_ms());
  for (auto& answer : cluster->take_answers()) {
    Reply reply{zmq::message_t(answer.routing_id), answer.delimiter, std::move(answer.bytes)};
    api.send(reply);
  }
  reload_pending = reload_pending || now.reload;
  const auto time = std::chrono::steady_clock::now();
  // A leader reloads at once: it takes writes only from an up-to-date state. Never under batches
  // in flight: the state in memory is theirs until they are released or rolled back.
  if (reload_pending && batch.in_flight() == 0 && (!now.refusal || time - last_reload >= kReloadEvery)) {
    reload_pending = false;
    last_reload = time;
    reload_replicated();
  }
  cluster_refusal = std::move(now.refusal);  // the leader it names may have changed
  update_write_refusal();
  if (now.announce_api && !cluster_refusal && !storage.degraded() && may_open_batch()) {
    batch.begin(wire::now_ms());
    batch.pending().batch.put_member_api(options.node_id, *now.announce_api);
    close_batch();
  }
}

void Broker::Impl::reload_replicated() {
  const std::uint64_t before = batch.committed_sequence();
  // Each owner's last alert number before: the alerts raised since, in the other members'
  // batches, go on this member's feed too.
  std::map<std::string, std::uint64_t, std::less<>> alerts_before;
  for (const auto& [owner, cursor] : state.workflow.alert_cursors) alerts_before.emplace(owner, cursor.last);
  replies.clear();
  if (auto loaded = batch.load(); !loaded) {
    logger()->critical("cannot reload the state after replicated writes: {}", loaded.error().message);
    return;
  }
  // The events the other members' batches logged, on this member's feed too, in order.
  bool published = false;
  auto visited = store->for_each_event(before + 1, [&](std::uint64_t, std::string_view bytes) {
    auto message = wire::decode(bytes.data(), bytes.size(), SIZE_MAX);
    const auto* event = message ? (*message)->body_as_FeedEvent() : nullptr;
    if (event && event->territory()) {
      feed.publish(event_topic(event->territory()->string_view()), std::string(bytes));
      published = true;
    }
    return true;
  });
  if (!visited) logger()->error("cannot read the replicated events: {}", visited.error().message);
  if (published) housekeeping.heartbeat_now();
  for (const auto& [owner, cursor] : state.workflow.alert_cursors) {
    const auto seen = alerts_before.find(owner);
    const std::uint64_t after = seen == alerts_before.end() ? 0 : seen->second;
    if (cursor.last <= after) continue;
    // A member far behind (a snapshot restored) publishes the first of many; an AlertWatch
    // fetches the rest when it sees the gap.
    auto raised = store->alerts(owner, after, kAlertsPublishedPerOwner);
    if (!raised) {
      logger()->error("cannot read the replicated alerts: {}", raised.error().message);
      continue;
    }
    for (const auto& alert : *raised) feed.publish(alert_topic(owner), alert_message(alert));
  }
}

// One batch: the waiting requests, each in its peer's turn, up to max_batch requests or
// max_batch_bytes, then one commit.
void Broker::Impl::serve_batch() {
  refresh_storage();
  current_confirmed = false;
  batch.begin(wire::now_ms());
  intake.read_waiting(api.socket());
  intake.start_batch();
  for (std::size_t i = 0; i < options.max_batch && batch.bytes() < options.max_batch_bytes; ++i) {
    auto next = intake.next(state.sequence);
    if (!next) break;  // nobody waiting, or every waiting peer had its share of this batch
    const auto started = std::chrono::steady_clock::now();
    if (next->request) {
      batch.answer(std::move(*next->request));
    } else {
      batch.add(std::move(next->refusal));
    }
    intake.charge(next->peer, std::chrono::steady_clock::now() - started);
  }
  close_batch();
}

// Hands the batch to its commit; sends the replies and publishes the events and alerts of what is
// durable (this batch at once on a single broker; a leader's, once the majority holds it).
void Broker::Impl::close_batch() { deliver(batch.close()); }

// A leader's proposals decided since the last turn: the batches they release, in order.
void Broker::Impl::settle_proposals() {
  for (auto& settled : cluster->take_settled()) deliver(batch.settle(settled.ticket, settled.committed));
}

void Broker::Impl::deliver(GroupCommit::Closed closed) {
  for (auto& reply : closed.replies) api.send(reply);
  for (const auto& publication : closed.publications) feed.publish(publication.topic, publication.bytes);
  if (closed.events) housekeeping.heartbeat_now();
  if (closed.close_feed) feed.close();
}

void Broker::Impl::send_log_reads() {
  for (auto& finished : log_reader.take_finished()) {
    Reply reply{zmq::message_t(finished.route.routing_id), finished.route.delimiter, std::move(finished.reply)};
    if (reply.bytes.empty()) {
      reply.bytes = encode_error(finished.route.request_id,
                                 make_error(wire::Status::storage_error,
                                            "le rapport n'a pas pu être produit (voir le journal du broker)"),
                                 batch.committed_sequence());
    }
    api.send(reply);
  }
}

// About once a second: metrics, then the broker's own writes, committed like any batch; skipped
// while writes are refused (storage degraded).
void Broker::Impl::housekeeping_if_due() {
  if (!housekeeping.housekeeping_due(std::chrono::steady_clock::now())) return;
  publish_metrics();
  if (storage.degraded() || cluster_refusal || !may_open_batch()) return;
  batch.begin(wire::now_ms());
  housekeeping.stage(state, batch);
  close_batch();
}

// Ready (/readyz): the data loaded, the disk writable and, for a cluster member, a leader known —
// a follower serves reads and sends writers to the leader; a member that sees no leader cannot
// reach a majority, and says so.
void Broker::Impl::publish_metrics() {
  if (!probe) return;
  BrokerProbe::ClusterView view;
  if (cluster) {
    const auto status = cluster->status();
    view = {options.node_id, to_string(status.role), status.leader_id, status.first_index, status.last_index,
            status.last_applied, {}};
    for (const auto& member : status.members) {
      if (!member.progress_known || member.id == options.node_id) continue;
      view.members.push_back({member.id, member.in_touch,
                              status.last_index - std::min(status.last_index, member.replicated_index)});
    }
  }
  const BrokerProbe::Context context{state, *store, options.data_dir, batch.committed_sequence(), storage.degraded(),
                                     wire::now_ms(), cluster ? &view : nullptr};
  Health health{true, !storage.degraded(), storage.degraded() ? storage.refusal().message : ""};
  if (health.writable && cluster && view.leader_id == 0) {
    health = {true, false, "aucun leader connu : ce nœud ne joint pas la majorité du cluster"};
  }
  options.metrics->publish(probe->render(context), health);
}

void Broker::Impl::turn() {
  if (options.on_turn) options.on_turn();
  if (cluster) {
    settle_proposals();
    follow_cluster();
  }
  refresh_storage();
  feed.rebind_if_due();
  for (const auto& heartbeat : housekeeping.heartbeats_if_due(state, std::chrono::steady_clock::now())) {
    feed.publish(heartbeat.topic, heartbeat.bytes);
  }
  housekeeping_if_due();
  // Rebuilt each turn: the feed is closed, then replaced, after a revocation.
  // With as many batches in flight as allowed, requests wait in the socket until one is released.
  const bool open = may_open_batch();
  std::vector<zmq::pollitem_t> items = {{api.socket().handle(), 0, static_cast<short>(open ? ZMQ_POLLIN : 0), 0},
                                        {nullptr, log_reader.wake_fd(), ZMQ_POLLIN, 0}};
  if (cluster) items.push_back({nullptr, cluster->wake_fd(), ZMQ_POLLIN, 0});
  const std::size_t feed_items = items.size();
  feed.add_items(items);
  const std::size_t security_items = items.size();
  api.add_security_items(items);
  auto next = housekeeping.next_due();
  if (const auto rebind = feed.next_rebind()) next = std::min(next, *rebind);
  // Rounded up, so that the loop sleeps until the deadline rather than polling without waiting
  // through its last millisecond.
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - std::chrono::steady_clock::now());
  if (!intake.empty() && open) wait = std::chrono::milliseconds(0);  // requests wait for their turn
  if (reload_pending) wait = std::min(wait, kReloadEvery);  // a follower's reads stay that fresh
  if (cluster && cluster->changes_in_flight()) wait = std::min(wait, std::chrono::milliseconds(10));
  // A proposal nobody answers is given up after a while: look again at least that often.
  if (cluster && cluster->proposals_in_flight() > 0) wait = std::min(wait, std::chrono::milliseconds(100));
  try {
    zmq::poll(items.data(), items.size(), std::max(wait, std::chrono::milliseconds(0)));
  } catch (const zmq::error_t& error) {
    if (error.num() == EINTR) return;  // a signal: the caller re-checks `stop`
    throw;
  }
  api.serve_security(items, security_items);
  if (items[1].revents & ZMQ_POLLIN) send_log_reads();
  feed.serve(items, feed_items);
  if (cluster && (items[2].revents & ZMQ_POLLIN)) settle_proposals();
  if (open && ((items[0].revents & ZMQ_POLLIN) || !intake.empty())) serve_batch();
}

Result<std::unique_ptr<Broker>> Broker::open(const BrokerOptions& options) {
  auto store = Store::open(options.data_dir);
  if (!store) return store.error();
  auto impl = std::make_unique<Impl>(options, std::move(*store));
  if (auto loaded = impl->load(); !loaded) return loaded.error();
  if (options.node_id != 0) {
    try {
      impl->cluster = std::make_unique<Cluster>(*impl->store, options);
    } catch (const std::exception& error) {
      return make_error(wire::Status::invalid, std::string("cluster : ") + error.what());
    }
    impl->cluster_refusal = make_error(wire::Status::not_leader, "le cluster élit son leader : réessayez");
    impl->update_write_refusal();
  }
  Impl* loop = impl.get();
  impl->dispatcher.set_backup_handler([loop](const wire::Request& request, const RequestOrigin& origin) {
    return answer_backup(*loop->store, loop->batch.committed_sequence(), request, origin.from_loopback);
  });
  if (impl->cluster) {
    impl->dispatcher.set_cluster_handler([loop](const wire::Request& request, const RequestOrigin& origin) {
      return loop->cluster->handle(request, origin, loop->batch.committed_sequence());
    });
    impl->dispatcher.set_current_read_check([loop]() -> Result<void> {
      if (loop->current_confirmed) return {};
      auto confirmed = loop->cluster->confirm_current();
      loop->current_confirmed = static_cast<bool>(confirmed);
      return confirmed;
    });
    impl->dispatcher.set_behind_read_check([loop](std::uint64_t at_least, std::uint64_t sequence) {
      return loop->cluster->refer_read_behind(at_least, sequence);
    });
  }
  impl->dispatcher.set_log_reader([loop](const RequestOrigin& origin, std::uint64_t request_id, LogRead read) {
    return loop->batch.defer_log_read(origin, request_id, std::move(read));
  });
  if (auto bound = impl->api.bind(); !bound) return bound.error();
  if (auto bound = impl->feed.bind(); !bound) return bound.error();
  impl->startup.api = impl->options.api;
  impl->startup.feed = impl->options.feed;
  impl->publish_metrics();
  return std::unique_ptr<Broker>(new Broker(std::move(impl)));
}

Broker::Broker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Broker::~Broker() = default;

const StartupReport& Broker::startup() const { return impl_->startup; }

void Broker::run(const std::atomic<bool>& stop) {
  while (!stop.load()) impl_->turn();
  // A leader's batches in flight: their writers are answered (committed or not) before it stops.
  if (impl_->cluster) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(6);
    while (impl_->batch.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      zmq::pollitem_t wake{nullptr, impl_->cluster->wake_fd(), ZMQ_POLLIN, 0};
      try {
        zmq::poll(&wake, 1, std::chrono::milliseconds(100));
      } catch (const zmq::error_t&) {
        // a signal: look again
      }
      impl_->settle_proposals();
    }
  }
  // Writers find the next leader at once rather than after an election.
  if (impl_->cluster) impl_->cluster->hand_over_leadership();
  const auto& stats = impl_->dispatcher.stats();
  logger()->info("stopping: sequence={} writes={} reads={} refusals={} duplicates={}", impl_->state.sequence,
                 stats.writes, stats.reads, stats.refusals, stats.duplicates);
}

}  // namespace dispo::broker
