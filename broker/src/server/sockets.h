// The broker's two sockets and their security.
//
// ApiSocket: the ROUTER every request comes in on and every reply goes out on, under CURVE (the
// ZAP handler says which keys are principals; a monitor logs failed handshakes) or on local
// endpoints only without it.
// Feed: the XPUB events, alerts and heartbeats go out on. Each subscription is granted only the
// topics its principal may receive; after a revocation the feed is closed, dropping every
// subscriber (each must pass a new CURVE handshake), and bound again on the next turns of the loop:
// nothing here waits.
// Loop thread only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "access/handshake_monitor.h"
#include "access/zap_handler.h"
#include "dispo/broker/broker.h"
#include "intake.h"
#include "metrics/broker_probe.h"
#include "model/principals.h"

namespace dispo::broker {

class ApiSocket {
 public:
  // Resolves the default endpoints in `options` (ipc sockets in the data directory).
  ApiSocket(zmq::context_t& context, BrokerOptions& options, const Principals& principals);
  // Binds the api endpoint (and, under CURVE, starts the ZAP handler first). Errors: invalid
  // (an endpoint that cannot be bound, or refused without CURVE), in French.
  Result<void> bind();

  bool curve() const { return !options_->curve_secret_key.empty(); }
  zmq::socket_t& socket() { return api_; }
  void send(Reply& reply);

  // Makes `socket` a CURVE server in the "dispo" ZAP domain (nothing without CURVE).
  void secure(zmq::socket_t& socket) const;
  // Binds `socket` to `endpoint`; an ipc:// socket is made reachable by the broker's user (and
  // group) only: created under a restrictive umask, then chmod-ed, in a 0700 (0750) directory.
  Result<void> bind_endpoint(zmq::socket_t& socket, const std::string& endpoint) const;

  // The sockets the loop polls besides the api: the ZAP handler's and the handshake monitor's.
  void add_security_items(std::vector<zmq::pollitem_t>& items);
  // Answers what the items added by add_security_items() (from `first`) have waiting.
  void serve_security(const std::vector<zmq::pollitem_t>& items, std::size_t first);

 private:
  zmq::context_t* context_;
  BrokerOptions* options_;
  const Principals* principals_;
  std::unique_ptr<ZapHandler> zap_;  // bound before the sockets, under CURVE
  zmq::socket_t api_;
  std::unique_ptr<HandshakeMonitor> handshakes_;  // after the socket: stopped before it closes
};

class Feed {
 public:
  Feed(zmq::context_t& context, const BrokerOptions& options, const ApiSocket& security,
       const Principals& principals, BrokerProbe* probe);
  Result<void> bind();

  bool open() const { return feed_.handle() != nullptr; }
  // Sends one message; dropped while the feed is closed (its subscribers resynchronise).
  void publish(std::string_view topic, std::string_view bytes);

  // After a revocation: drops every subscriber; bound again by rebind_if_due().
  void close();
  void rebind_if_due();
  // When rebind_if_due() should next be called (nothing while the feed is open).
  std::optional<std::chrono::steady_clock::time_point> next_rebind() const;

  // The sockets the loop polls: the feed itself (subscriptions) and its handshake monitor.
  void add_items(std::vector<zmq::pollitem_t>& items);
  void serve(const std::vector<zmq::pollitem_t>& items, std::size_t first);

 private:
  // Manual mode: each subscription message is granted only the topics its principal may receive.
  void grant_subscriptions();

  zmq::context_t* context_;
  const BrokerOptions* options_;
  const ApiSocket* security_;
  const Principals* principals_;
  BrokerProbe* probe_;
  zmq::socket_t feed_;
  std::unique_ptr<HandshakeMonitor> handshakes_;
  std::size_t polled_ = 0;  // items add_items() added last
  // Set while the feed is closed after a revocation, until rebind_if_due() binds it again.
  std::optional<std::chrono::steady_clock::time_point> closed_at_;
  std::chrono::steady_clock::time_point next_bind_;
};

}  // namespace dispo::broker
