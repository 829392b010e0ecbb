#include "feed_topics.h"

#include "authorisation.h"

namespace dispo::broker {

std::string event_topic(std::string_view territory) { return "ev/" + std::string(territory) + "/"; }
std::string heartbeat_topic(std::string_view territory) { return "hb/" + std::string(territory) + "/"; }

std::vector<std::string> granted_topics(const wire::PrincipalT& who, std::string_view requested) {
  if (who.revoked) return {};
  if (who.role == wire::Role::admin) return {std::string(requested)};
  std::vector<std::string> territories = who.departements;
  territories.push_back("*");  // liveness heartbeats
  std::vector<std::string> granted;
  for (const auto& territory : territories) {
    if (!receives_territory(who, territory)) continue;
    for (auto topic : {event_topic(territory), heartbeat_topic(territory)}) {
      if (territory == "*" && topic.starts_with("ev/")) continue;  // "*" has heartbeats only
      // The subscription covers the topic (a broader prefix), or names exactly this topic.
      if (topic.starts_with(requested)) granted.push_back(std::move(topic));
    }
  }
  return granted;
}

}  // namespace dispo::broker
