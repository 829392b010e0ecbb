#include "feed_topics.h"

#include "authorisation.h"

namespace dispo::broker {

std::string event_topic(std::string_view territory) { return "ev/" + std::string(territory) + "/"; }
std::string heartbeat_topic(std::string_view territory) { return "hb/" + std::string(territory) + "/"; }

std::vector<std::string> granted_topics(const wire::PrincipalT& who, std::string_view requested) {
  if (who.revoked) return {};
  if (who.role == wire::Role::admin) return {std::string(requested)};
  std::vector<std::string> candidates;
  for (const auto& territory : who.departements) {
    candidates.push_back(event_topic(territory));
    candidates.push_back(heartbeat_topic(territory));
  }
  candidates.push_back(heartbeat_topic("*"));
  std::vector<std::string> granted;
  for (auto& topic : candidates) {
    const std::string_view territory = std::string_view(topic).substr(3, topic.size() - 4);
    if (!receives_territory(who, territory)) continue;
    // The subscription covers the topic (a broader prefix), or names exactly this topic.
    if (topic.starts_with(requested)) granted.push_back(std::move(topic));
  }
  return granted;
}

}  // namespace dispo::broker
