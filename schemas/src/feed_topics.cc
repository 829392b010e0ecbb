#include "dispo/schemas/feed_topics.h"

namespace dispo::wire {
namespace {

constexpr std::string_view kRequestsPrefix = "requests:";

std::string topic(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  out += name;
  out += '/';
  return out;
}

}  // namespace

std::string event_topic(std::string_view territory) { return topic(kEventPrefix, territory); }
std::string heartbeat_topic(std::string_view territory) { return topic(kHeartbeatPrefix, territory); }
std::string alert_topic(std::string_view owner) { return topic(kAlertPrefix, owner); }

std::string requests_territory(std::string_view departement) {
  return std::string(kRequestsPrefix) + std::string(departement);
}

std::optional<std::string_view> departement_of_requests(std::string_view territory) {
  if (!territory.starts_with(kRequestsPrefix)) return std::nullopt;
  return territory.substr(kRequestsPrefix.size());
}

std::optional<std::string_view> alert_owner(std::string_view topic) {
  if (!topic.starts_with(kAlertPrefix) || !topic.ends_with('/') || topic.size() <= kAlertPrefix.size() + 1) {
    return std::nullopt;
  }
  return topic.substr(kAlertPrefix.size(), topic.size() - kAlertPrefix.size() - 1);
}

}  // namespace dispo::wire
