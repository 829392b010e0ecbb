#include "feed_reader.h"

#include <cerrno>
#include <cstdint>

#include "dispo/schemas/feed_topics.h"

namespace dispo::client {

FeedReader::FeedReader(zmq::context_t& context, const std::string& endpoint,
                       const std::string& departement, const ClientKeys& keys, int high_water_mark)
    : socket_(context, zmq::socket_type::sub) {
  socket_.set(zmq::sockopt::linger, 0);
  // Bounded: a stalled board must not grow without limit nor fill the broker's queue for nothing;
  // what it cannot take is dropped upstream, and the sequence numbers tell it (gap, resync).
  socket_.set(zmq::sockopt::rcvhwm, high_water_mark);
  apply_client_keys(socket_, keys);
  if (departement.empty()) {
    socket_.set(zmq::sockopt::subscribe, std::string(wire::kEventPrefix));
    socket_.set(zmq::sockopt::subscribe, std::string(wire::kHeartbeatPrefix));
  } else {
    socket_.set(zmq::sockopt::subscribe, wire::event_topic(departement));
    socket_.set(zmq::sockopt::subscribe, wire::heartbeat_topic(departement));
    socket_.set(zmq::sockopt::subscribe, wire::heartbeat_topic(wire::kLivenessTerritory));
  }
  connect_to_each(socket_, endpoint);
}

bool FeedReader::wait(std::chrono::milliseconds wait) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  try {
    return zmq::poll(&item, 1, std::max(wait, std::chrono::milliseconds(0))) > 0;
  } catch (const zmq::error_t& error) {
    if (error.num() == EINTR) return false;  // a signal: let the caller look at its flags
    throw;
  }
}

std::optional<FeedItem> FeedReader::read() {
  while (true) {
    zmq::message_t topic;
    if (!socket_.recv(topic, zmq::recv_flags::dontwait)) return std::nullopt;
    if (!topic.more()) {
      ++dropped_;
      continue;
    }
    zmq::message_t body;
    (void)socket_.recv(body, zmq::recv_flags::none);  // multipart messages arrive whole
    if (body.more()) {  // not [topic, Message]: drain the rest and drop it
      for (bool more = true; more;) {
        zmq::message_t extra;
        (void)socket_.recv(extra, zmq::recv_flags::none);
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
