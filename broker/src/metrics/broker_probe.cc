#include "broker_probe.h"

#include <flatbuffers/flatbuffers.h>

#include <system_error>

#include "state/alert_matcher.h"
#include "dispo/schemas/wire.h"

#ifndef DISPO_VERSION
#define DISPO_VERSION "dev"
#endif

namespace dispo::broker {
namespace {

using metrics::Exposition;
using metrics::Labels;

constexpr std::int64_t kSilentMs = 24LL * 3600 * 1000;

std::string request_type(std::string_view frame) {
  auto message = wire::decode(frame.data(), frame.size(), SIZE_MAX);
  const auto* request = message ? (*message)->body_as_Request() : nullptr;
  if (request == nullptr || request->body_type() == wire::RequestBody::NONE) return "unknown";
  return wire::EnumNameRequestBody(request->body_type());
}

std::string reply_status(std::string_view reply) {
  // Our own reply, built by the dispatcher: no need to verify it again.
  const auto* message = flatbuffers::GetRoot<wire::Message>(reply.data());
  const auto* body = message ? message->body_as_Reply() : nullptr;
  return body ? wire::EnumNameStatus(body->status()) : "unknown";
}

}  // namespace

BrokerProbe::BrokerProbe()
    : batch_requests_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048}),
      commit_seconds_({0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}) {}

void BrokerProbe::on_request(std::string_view request_frame, std::string_view reply) {
  if (reply.empty()) return;
  ++requests_[{request_type(request_frame), reply_status(reply)}];
}

void BrokerProbe::on_commit(std::size_t requests, std::chrono::steady_clock::duration took, bool committed) {
  batch_requests_.observe(static_cast<double>(requests));
  commit_seconds_.observe(std::chrono::duration<double>(took).count());
  if (!committed) ++commit_failures_;
}

void BrokerProbe::on_published(std::size_t events, std::size_t alerts) {
  events_ += events;
  alerts_ += alerts;
}

void BrokerProbe::on_subscription(bool subscribe) { subscriptions_ += subscribe ? 1 : -1; }

std::string BrokerProbe::render(const Context& context) const {
  Exposition out;
  out.family("dispo_build_info", "gauge", "Version of the running broker");
  out.sample("dispo_build_info", {{"version", DISPO_VERSION}}, 1);
  out.family("dispo_sequence", "gauge", "Last committed event sequence");
  out.sample("dispo_sequence", static_cast<double>(context.committed_sequence));
  out.family("dispo_writes_refused", "gauge",
             "1 while writes are refused (disk nearly full or a failed commit), else 0");
  out.sample("dispo_writes_refused", context.writes_refused ? 1 : 0);

  out.family("dispo_requests_total", "counter", "Requests answered, by request type and reply status");
  for (const auto& [key, count] : requests_) {
    out.sample("dispo_requests_total", {{"type", key.first}, {"status", key.second}}, static_cast<double>(count));
  }
  out.family("dispo_commit_batch_requests", "histogram", "Requests answered by one group commit");
  out.histogram("dispo_commit_batch_requests", {}, batch_requests_);
  out.family("dispo_commit_seconds", "histogram",
             "Duration of one group commit, from its batch closed to its writes durable: the RocksDB "
             "write with its WAL fsync (a cluster leader: replication to a majority)");
  out.histogram("dispo_commit_seconds", {}, commit_seconds_);
  out.family("dispo_commit_failures_total", "counter", "Group commits that failed (nothing acknowledged)");
  out.sample("dispo_commit_failures_total", static_cast<double>(commit_failures_));

  out.family("dispo_feed_subscriptions", "gauge", "Topics subscribed on the feed, all subscribers together");
  out.sample("dispo_feed_subscriptions", static_cast<double>(subscriptions_));
  out.family("dispo_feed_events_total", "counter", "Change events published on the feed");
  out.sample("dispo_feed_events_total", static_cast<double>(events_));
  out.family("dispo_feed_alerts_total", "counter", "Alerts published on the feed");
  out.sample("dispo_feed_alerts_total", static_cast<double>(alerts_));

  render_places(out, context);
  render_workflow(out, context);
  render_storage(out, context);
  if (context.cluster) render_cluster(out, *context.cluster);
  return out.take();
}

void BrokerProbe::render_cluster(Exposition& out, const ClusterView& cluster) {
  const std::string node = std::to_string(cluster.node_id);
  out.family("dispo_cluster_role", "gauge", "1 for this member's Raft role (leader, follower, candidate, unavailable)");
  for (const char* role : {"leader", "follower", "candidate", "unavailable"}) {
    out.sample("dispo_cluster_role", {{"node", node}, {"role", role}}, cluster.role == role ? 1 : 0);
  }
  out.family("dispo_cluster_leader", "gauge", "The leader's node id as this member knows it; 0: none (no majority)");
  out.sample("dispo_cluster_leader", {{"node", node}}, static_cast<double>(cluster.leader_id));
  out.family("dispo_cluster_log_index", "gauge",
             "This member's Raft log: oldest entry kept (first), newest appended (last), applied to its store");
  out.sample("dispo_cluster_log_index", {{"node", node}, {"index", "first"}}, static_cast<double>(cluster.first_index));
  out.sample("dispo_cluster_log_index", {{"node", node}, {"index", "last"}}, static_cast<double>(cluster.last_index));
  out.sample("dispo_cluster_log_index", {{"node", node}, {"index", "applied"}}, static_cast<double>(cluster.applied_index));
  if (cluster.members.empty()) return;
  out.family("dispo_cluster_member_in_touch", "gauge",
             "On the leader: 1 when the member answered within an election timeout, 0 when it is silent");
  for (const auto& member : cluster.members)
    out.sample("dispo_cluster_member_in_touch", {{"node", node}, {"member", std::to_string(member.id)}},
               member.in_touch ? 1 : 0);
  out.family("dispo_cluster_member_behind_entries", "gauge",
             "On the leader: entries of its log the member does not hold yet");
  for (const auto& member : cluster.members)
    out.sample("dispo_cluster_member_behind_entries", {{"node", node}, {"member", std::to_string(member.id)}},
               static_cast<double>(member.behind));
}

void BrokerProbe::render_places(Exposition& out, const Context& context) const {
  struct Departement {
    std::size_t facilities = 0;
    std::size_t stale = 0;
    std::size_t silent = 0;
    std::int64_t emergency_free = 0;
    std::map<std::string, std::int64_t> free_by_kind;
  };
  std::map<std::string, Departement> departements;
  const std::int64_t stale_after = context.state.stale_after_ms;
  for (const auto& [id, record] : context.state.index.facilities()) {
    Departement& departement = departements[record.facility.departement];
    ++departement.facilities;
    std::int64_t last_confirmed = 0;
    std::int64_t& kind_free = departement.free_by_kind[wire::EnumNameFacilityKind(record.facility.kind)];
    for (const auto& unit : record.units) {
      last_confirmed = std::max(last_confirmed, unit.availability.confirmed_at);
      const std::int64_t free = AlertMatcher::free_places(unit.availability, context.now_ms, stale_after);
      kind_free += free;
      if (unit.unit.emergency) departement.emergency_free += free;
    }
    if (last_confirmed == 0 || context.now_ms - last_confirmed > stale_after) ++departement.stale;
    if (last_confirmed == 0 || context.now_ms - last_confirmed > kSilentMs) ++departement.silent;
  }
  out.family("dispo_facilities", "gauge", "Registered facilities by département");
  for (const auto& [code, d] : departements) out.sample("dispo_facilities", {{"departement", code}}, d.facilities);
  out.family("dispo_units", "gauge", "Registered units, all départements");
  out.sample("dispo_units", static_cast<double>(context.state.index.unit_count()));
  out.family("dispo_facilities_stale", "gauge",
             "Facilities none of whose units was confirmed within the freshness limit, by département");
  for (const auto& [code, d] : departements) out.sample("dispo_facilities_stale", {{"departement", code}}, d.stale);
  out.family("dispo_facilities_silent_24h", "gauge",
             "Facilities with no confirmation for more than 24 hours (or never), by département");
  for (const auto& [code, d] : departements) out.sample("dispo_facilities_silent_24h", {{"departement", code}}, d.silent);
  out.family("dispo_free_places", "gauge", "Fresh available places by département and facility kind");
  for (const auto& [code, d] : departements) {
    for (const auto& [kind, free] : d.free_by_kind) {
      out.sample("dispo_free_places", {{"departement", code}, {"kind", kind}}, static_cast<double>(free));
    }
  }
  out.family("dispo_free_emergency_places", "gauge",
             "Fresh available places in units admitting in emergency, by département");
  for (const auto& [code, d] : departements) {
    out.sample("dispo_free_emergency_places", {{"departement", code}}, static_cast<double>(d.emergency_free));
  }
}

void BrokerProbe::render_workflow(Exposition& out, const Context& context) const {
  const Workflow& workflow = context.state.workflow;
  std::map<std::string, std::size_t> by_state;
  for (auto state : wire::EnumValuesRequestState()) by_state[wire::EnumNameRequestState(state)] = 0;
  for (const auto& [id, request] : workflow.requests) ++by_state[wire::EnumNameRequestState(request.state)];
  out.family("dispo_placement_requests", "gauge", "Placement requests by state");
  for (const auto& [state, count] : by_state) out.sample("dispo_placement_requests", {{"state", state}}, count);
  out.family("dispo_holds", "gauge", "Holds by state (the broker keeps only active ones in memory)");
  out.sample("dispo_holds", {{"state", "active"}}, static_cast<double>(workflow.holds.size()));
  std::uint64_t pending = 0;
  for (const auto& [owner, cursor] : workflow.alert_cursors) {
    if (cursor.last > cursor.acknowledged) pending += cursor.last - cursor.acknowledged;
  }
  out.family("dispo_alerts_pending", "gauge", "Alerts raised and not yet acknowledged, all owners");
  out.sample("dispo_alerts_pending", static_cast<double>(pending));
  out.family("dispo_subscriptions", "gauge", "Standing subscriptions (saved searches, followed requests, thresholds)");
  out.sample("dispo_subscriptions", static_cast<double>(workflow.subscriptions.size()));
}

void BrokerProbe::render_storage(Exposition& out, const Context& context) const {
  const auto sizes = context.store.sizes();
  out.family("dispo_rocksdb_sst_bytes", "gauge", "Size of the SST files of each RocksDB column family");
  for (const auto& size : sizes) {
    out.sample("dispo_rocksdb_sst_bytes", {{"column_family", size.name}}, static_cast<double>(size.sst_bytes));
  }
  out.family("dispo_rocksdb_memtable_bytes", "gauge", "Memory held by the memtables of each column family");
  for (const auto& size : sizes) {
    out.sample("dispo_rocksdb_memtable_bytes", {{"column_family", size.name}},
               static_cast<double>(size.memtable_bytes));
  }
  std::error_code error;
  const auto space = std::filesystem::space(context.data_dir, error);
  if (!error) {
    out.family("dispo_data_disk_free_bytes", "gauge", "Free bytes on the data directory's file system");
    out.sample("dispo_data_disk_free_bytes", static_cast<double>(space.available));
    out.family("dispo_data_disk_size_bytes", "gauge", "Size of the data directory's file system");
    out.sample("dispo_data_disk_size_bytes", static_cast<double>(space.capacity));
  }
}

}  // namespace dispo::broker
