#include "feed_reader.h"

#include <cstdint>

#include "dispo/schemas/feed_topics.h"

namespace dispo::client {

FeedReader::FeedReader(zmq::context_t& context, const std::string& endpoint,
                       const std::string& departement, const ClientKeys& keys, int high_water_mark)
    // Bounded: a stalled board must not grow without limit nor fill the broker's queue for nothing;
    // what it cannot take is dropped upstream, and the sequence numbers tell it (gap, resync).
    : feed_(context, keys, high_water_mark) {
  if (departement.empty()) {
    feed_.subscribe(std::string(wire::kEventPrefix));
    feed_.subscribe(std::string(wire::kHeartbeatPrefix));
  } else {
    feed_.subscribe(wire::event_topic(departement));
    feed_.subscribe(wire::heartbeat_topic(departement));
    feed_.subscribe(wire::heartbeat_topic(wire::kLivenessTerritory));
  }
  feed_.connect(endpoint);
}

bool FeedReader::wait(std::chrono::milliseconds wait) {
  return feed_.wait(wait) == FeedSubscription::Waited::message;  // a signal: false, the caller looks at its flags
}

std::optional<FeedItem> FeedReader::read() {
  while (true) {
    zmq::message_t topic;
    if (!feed_.socket().recv(topic, zmq::recv_flags::dontwait)) return std::nullopt;
    if (!topic.more()) {
      ++dropped_;
      continue;
    }
    zmq::message_t body;
    (void)feed_.socket().recv(body, zmq::recv_flags::none);  // multipart messages arrive whole
    if (body.more()) {  // not [topic, Message]: drain the rest and drop it
      for (bool more = true; more;) {
        zmq::message_t extra;
        (void)feed_.socket().recv(extra, zmq::recv_flags::none);
        more = extra.more();
      }
      ++dropped_;
      continue;
    }
    auto message = wire::decode(body.data(), body.size(), SIZE_MAX);
    if (!message) {
      ++dropped_;
      continue;
    }
    FeedItem item;
    if (const auto* event = (*message)->body_as_FeedEvent()) {
      item.kind = FeedItem::Kind::event;
      item.sequence = event->sequence();
      item.territory = event->territory() ? event->territory()->str() : std::string();
      item.previous = event->previous();
      item.event.reset(event->UnPack());
      return item;
    }
    if (const auto* heartbeat = (*message)->body_as_Heartbeat()) {
      item.kind = FeedItem::Kind::heartbeat;
      item.sequence = heartbeat->sequence();
      item.territory = heartbeat->territory() ? heartbeat->territory()->str() : std::string();
      item.territory_sequence = heartbeat->territory_sequence();
      return item;
    }
    ++dropped_;
  }
}

}  // namespace dispo::client
