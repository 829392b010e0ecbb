// Intake: requests from the api socket to the batch, each in its peer's turn. It reads what waits
// (a batch's worth at most), checks each request's framing, says who sent it (the principal of its
// CURVE key, loopback or not) and applies the rate limit of that principal (or of the person a
// gateway acts for). What comes out is either a request to dispatch or a refusal already written.
// Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "access/peer_limiter.h"
#include "access/peer_turns.h"
#include "dispatcher.h"
#include "dispo/broker/broker.h"
#include "model/principals.h"

namespace dispo::broker {

// A reply and where it goes: [routing id, (empty delimiter,) bytes] on the api socket.
struct Reply {
  zmq::message_t routing_id;
  bool delimiter = false;  // the client is a REQ socket
  std::string bytes;
};

// A request admitted to the batch, with what its answer needs to know about where it came from.
struct AdmittedRequest {
  zmq::message_t routing_id;
  bool delimiter = false;
  zmq::message_t payload;   // the Message frame; carries its CURVE User-Id and peer address
  std::string peer;         // the routing id in hex, for logs
  // Who sent it, as the intake found it: valid until the principals change (a reload after a
  // failed commit looks it up again).
  const wire::PrincipalT* principal = nullptr;

  // Where it came from, for the dispatcher; views into this request (keep it alive meanwhile).
  RequestOrigin origin() const;
};

// The principal a request or subscription comes from: by its CURVE key (the User-Id our ZAP
// handler set), or the local admin when CURVE is off. A key no longer known gives a revoked
// "inconnu", refused by the authorisation rules.
const wire::PrincipalT& principal_of(const zmq::message_t& message, const Principals& principals, bool curve);

class Intake {
 public:
  Intake(const BrokerOptions& options, const Principals& principals, bool curve);

  // Reads what waits on `api` into the peers' turns (libzmq hands the peers' messages over in turn,
  // so a flooder's backlog stays in its own pipe and TCP connection).
  void read_waiting(zmq::socket_t& api);
  bool empty() const { return turns_.empty(); }

  // Opens a batch: each peer gets its share again.
  void start_batch() { turns_.start_batch(); }

  // The next request whose peer has its turn: admitted, or refused at once (framing, rate limit;
  // `sequence` goes in the refusal). Nothing when nobody waits or every waiting peer had its share.
  struct Next {
    std::string peer;
    std::optional<AdmittedRequest> request;  // else `refusal`
    Reply refusal;
  };
  std::optional<Next> next(std::uint64_t sequence);
  // Charges `peer` the time its request took to handle (PeerTurns' time share).
  void charge(const std::string& peer, std::chrono::steady_clock::duration took) { turns_.charge(peer, took); }

 private:
  std::string refuse_rate_limited(std::string_view peer, const zmq::message_t& payload, std::uint64_t sequence);

  const BrokerOptions* options_;
  const Principals* principals_;
  bool curve_;
  PeerLimiter limiter_;
  PeerTurns turns_;
};

}  // namespace dispo::broker
