#include "housekeeping.h"

#include "access/feed_topics.h"
#include "model/logger.h"
#include "writes/alerts.h"
#include "writes/holds.h"

namespace dispo::broker {

std::vector<Publication> Housekeeping::heartbeats_if_due(const BrokerState& state, Clock::time_point now) {
  std::vector<Publication> heartbeats;
  if (now < next_heartbeat_) return heartbeats;
  const std::int64_t time = wire::now_ms();
  auto add = [&](std::string_view territory, std::uint64_t territory_sequence) {
    flatbuffers::FlatBufferBuilder builder(96);
    wire::finish(builder, wire::CreateHeartbeat(builder, state.sequence, time, builder.CreateString(territory),
                                                territory_sequence));
    heartbeats.push_back({heartbeat_topic(territory.empty() ? "*" : territory),
                          std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize())});
  };
  add({}, 0);
  for (const auto& [territory, sequence] : state.territory_sequence) add(territory, sequence);
  next_heartbeat_ = now + heartbeat_;
  return heartbeats;
}

bool Housekeeping::housekeeping_due(Clock::time_point now) {
  if (now < next_housekeeping_) return false;
  next_housekeeping_ = now + std::chrono::seconds(1);
  return true;
}

void Housekeeping::stage(BrokerState& state, GroupCommit& batch) {
  static const wire::PrincipalT broker_principal = [] {
    wire::PrincipalT principal;
    principal.name = "dispo-broker";
    principal.role = wire::Role::admin;
    return principal;
  }();
  const RequestContext context{"broker", "dispo-broker", &broker_principal, batch.now_ms(), batch.today()};
  if (const auto expired = expire_holds(state, batch.pending(), context); expired > 0) {
    logger()->info("{} hold(s) expired: their places are available again", expired);
  }
  on_time(state, batch.pending(), batch.now_ms());
}

}  // namespace dispo::broker
