// What libzmq tells of a socket's connections (zmq_socket_monitor): the handshake outcomes and
// disconnections that Session and FeedSubscription act on. Internal to dispo::clients.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <zmq.hpp>

namespace dispo::client {

struct SocketEvent {
  std::uint16_t id = 0;      // ZMQ_EVENT_*
  std::uint32_t value = 0;   // the event's value (e.g. a ZMQ_PROTOCOL_ERROR_* code)
  std::string address;       // the endpoint it concerns
};

// Starts reporting `events` (ZMQ_EVENT_* bits) of `socket`; returns the socket they arrive on.
// Stop it with zmq_socket_monitor(socket, nullptr, 0) before `socket` closes. Throws zmq::error_t.
zmq::socket_t watch_socket(zmq::context_t& context, zmq::socket_t& socket, int events);

// The next event waiting on `monitor`, never blocking; nothing when none waits.
std::optional<SocketEvent> next_socket_event(zmq::socket_t& monitor);

}  // namespace dispo::client
