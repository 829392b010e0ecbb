// The feed's topic grammar, shared by the broker (which publishes) and every subscriber (the CLI's
// board and watch, dispo-web). Every feed message is [topic, Message]:
//   "ev/<territory>/"   the FeedEvents of a territory: a département ("59"), "admin" (principal
//                       changes), or "requests:<département>" (its placement requests and holds);
//   "hb/<territory>/"   that territory's Heartbeats; "hb/*/" is the broker's liveness heartbeat;
//   "al/<principal>/"   a principal's alerts.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dispo::wire {

inline constexpr std::string_view kEventPrefix = "ev/";
inline constexpr std::string_view kHeartbeatPrefix = "hb/";
inline constexpr std::string_view kAlertPrefix = "al/";
inline constexpr std::string_view kLivenessTerritory = "*";

std::string event_topic(std::string_view territory);
std::string heartbeat_topic(std::string_view territory);
std::string alert_topic(std::string_view owner);

// The territory that carries a département's placement requests and holds: "requests:<département>".
std::string requests_territory(std::string_view departement);

// The département of a "requests:<département>" territory; nullopt for any other territory.
std::optional<std::string_view> departement_of_requests(std::string_view territory);

// The owner of an "al/<owner>/" topic; nullopt for any other topic.
std::optional<std::string_view> alert_owner(std::string_view topic);

}  // namespace dispo::wire
