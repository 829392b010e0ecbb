// Who receives which feed topics (the grammar itself is dispo/schemas/feed_topics.h, shared with
// the subscribers). The feed socket runs in manual mode: a subscription
// is turned into the topics its principal may receive (granted_topics), so nothing outside a
// principal's territory reaches it even though XPUB itself cannot tell subscribers apart.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/feed_topics.h"
#include "dispo/schemas/wire.h"

namespace dispo::broker {

using wire::alert_topic;
using wire::event_topic;
using wire::heartbeat_topic;

// What a subscription to `requested` (any prefix, "" = everything) by `who` becomes: the prefix
// itself for an admin; otherwise the concrete topics of its territories and its own alert topic
// that the prefix covers.
std::vector<std::string> granted_topics(const wire::PrincipalT& who, std::string_view requested);

}  // namespace dispo::broker
