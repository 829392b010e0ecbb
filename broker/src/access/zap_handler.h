// ZapHandler: the broker's ZeroMQ Authentication Protocol handler (ZMQ RFC 27). libzmq asks it,
// over inproc://zeromq.zap.01, whether each CURVE handshake may proceed: a public key that belongs
// to a principal that is not revoked is accepted, with the key (Z85) as the connection's User-Id;
// any other key is refused at the handshake and logged.
// Polled by the event loop thread, which owns the principals: not thread-safe.
#pragma once

#include <zmq.hpp>

#include "model/principals.h"

namespace dispo::broker {

class ZapHandler {
 public:
  // Binds the handler endpoint in `context`; must happen before any CURVE socket binds.
  ZapHandler(zmq::context_t& context, const Principals& principals);

  zmq::socket_t& socket() { return socket_; }

  // Answers every waiting ZAP request; never blocks.
  void answer_waiting();

 private:
  zmq::socket_t socket_;
  const Principals* principals_;
};

}  // namespace dispo::broker
