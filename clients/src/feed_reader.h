// FeedReader: the SUB side of the broker's feed. Every feed message is two frames,
// [topic, Message]: "ev/<territory>/" carries FeedEvents, "hb/<territory>/" Heartbeats
// ("hb/*/": liveness only). Internal to dispo::clients.
// Not thread-safe: used by one Board.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "dispo/clients/feed_subscription.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/wire.h"

namespace dispo::client {

// One decoded feed message.
struct FeedItem {
  enum class Kind { event, heartbeat };
  Kind kind = Kind::heartbeat;
  std::uint64_t sequence = 0;
  std::string territory;                    // empty for the liveness heartbeat
  std::uint64_t previous = 0;               // event: previous event of its territory
  std::uint64_t territory_sequence = 0;     // heartbeat: last event of its territory
  std::unique_ptr<wire::FeedEventT> event;  // set for events only
};

class FeedReader {
 public:
  // Connects to `endpoint` — to each member of a comma-separated list — (with CURVE `keys` unless empty) and subscribes to the events and
  // heartbeats of `departement`, or of every territory the principal may receive when it is
  // empty. At most `high_water_mark` messages wait here unread (0 = unbounded); past them the
  // broker drops, and the reader of the sequence numbers sees a gap. A feed that refuses the key is
  // dialled again (FeedSubscription). Throws zmq::error_t on a malformed endpoint (the Board
  // converts it).
  FeedReader(zmq::context_t& context, const std::string& endpoint, const std::string& departement,
             const ClientKeys& keys, int high_water_mark);

  // Waits at most `wait` for a message; true if one can be read.
  bool wait(std::chrono::milliseconds wait);

  // The next message, or nothing if none is waiting (never blocks). Frames that are not a
  // verifiable FeedEvent or Heartbeat are dropped and counted.
  std::optional<FeedItem> read();

  std::uint64_t dropped() const { return dropped_; }

 private:
  FeedSubscription feed_;
  std::uint64_t dropped_ = 0;
};

}  // namespace dispo::client
