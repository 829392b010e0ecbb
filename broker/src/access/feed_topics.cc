#include "feed_topics.h"

#include "authorisation.h"
#include "model/workflow.h"

namespace dispo::broker {

std::vector<std::string> granted_topics(const wire::PrincipalT& who, std::string_view requested) {
  if (who.revoked) return {};
  if (who.role == wire::Role::admin || who.role == wire::Role::gateway) return {std::string(requested)};
  std::vector<std::string> territories = who.departements;
  for (const auto& departement : who.departements) territories.push_back(requests_territory(departement));
  territories.emplace_back(wire::kLivenessTerritory);  // liveness heartbeats
  std::vector<std::string> granted;
  if (std::string own = alert_topic(who.name); own.starts_with(requested) || requested.starts_with(own)) {
    granted.push_back(std::move(own));
  }
  for (const auto& territory : territories) {
    if (!receives_territory(who, territory)) continue;
    for (auto topic : {event_topic(territory), heartbeat_topic(territory)}) {
      if (territory == wire::kLivenessTerritory && topic.starts_with(wire::kEventPrefix)) continue;  // heartbeats only
      // The subscription covers the topic (a broader prefix), or names exactly this topic.
      if (topic.starts_with(requested)) granted.push_back(std::move(topic));
    }
  }
  return granted;
}

}  // namespace dispo::broker
