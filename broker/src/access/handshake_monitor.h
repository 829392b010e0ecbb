// HandshakeMonitor: logs the connections that fail their ZeroMQ handshake on one of the broker's
// sockets — a client without CURVE keys against a broker that requires them, a client using
// another broker's public key, a key the ZAP handler refused — which would otherwise leave no
// trace (libzmq closes them before any request). Repeats of one reason are summed: at most one
// line per reason every 10 s. Owned by the event loop thread (poll `socket()`, then drain()).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <zmq.hpp>

namespace dispo::broker {

class HandshakeMonitor {
 public:
  // Starts monitoring `watched` (named `name` in logs, e.g. "api"); call before it binds.
  HandshakeMonitor(zmq::context_t& context, zmq::socket_t& watched, std::string name);
  ~HandshakeMonitor();
  HandshakeMonitor(const HandshakeMonitor&) = delete;
  HandshakeMonitor& operator=(const HandshakeMonitor&) = delete;

  zmq::socket_t& socket() { return events_; }

  // Reads the waiting events and logs the failed handshakes.
  void drain();

 private:
  struct Repeats {
    std::uint64_t count = 0;
    std::chrono::steady_clock::time_point last_logged{};
  };
  void report(const std::string& reason, const std::string& endpoint);

  zmq::socket_t* watched_;
  std::string name_;
  zmq::socket_t events_;
  std::map<std::string, Repeats> repeats_;
};

}  // namespace dispo::broker
