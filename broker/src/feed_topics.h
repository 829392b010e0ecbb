// Feed topics. Every feed message is [topic, Message]: "ev/<territory>/" carries the FeedEvents of
// a territory (a département, or "admin" for principal changes), "hb/<territory>/" its Heartbeats,
// and "hb/*/" the broker's liveness heartbeat. Placement requests and holds of a département
// travel on the territory "requests:<département>"; "al/<principal>/" carries a principal's alerts. The feed socket runs in manual mode: a subscription
// is turned into the topics its principal may receive (granted_topics), so nothing outside a
// principal's territory reaches it even though XPUB itself cannot tell subscribers apart.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/wire.h"

namespace dispo::broker {

std::string event_topic(std::string_view territory);
std::string heartbeat_topic(std::string_view territory);
std::string alert_topic(std::string_view owner);

// What a subscription to `requested` (any prefix, "" = everything) by `who` becomes: the prefix
// itself for an admin; otherwise the concrete topics of its territories and its own alert topic
// that the prefix covers.
std::vector<std::string> granted_topics(const wire::PrincipalT& who, std::string_view requested);

}  // namespace dispo::broker
