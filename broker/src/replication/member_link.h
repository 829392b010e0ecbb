// MemberLink: the Raft traffic between the members of a cluster, carried over ZeroMQ CURVE
// (issue #16: encrypted and authenticated beyond loopback, as every other connection of dispo).
//
// libraft speaks plain TCP, and only on loopback here. Each member runs one MemberLink:
//  - inbound: a ROUTER bound on the member's cluster address (tcp://HOST:PORT, the address the
//    others have for it), a CURVE server with the broker's key pair, which accepts only clients
//    holding that same pair — the members share the broker's key, as their clients expect one
//    broker key; each stream it carries becomes a loopback TCP connection to this member's Raft
//    listener;
//  - outbound: for each other member, a loopback TCP listener that libraft dials instead of the
//    member's address (route()); each connection libraft makes there is a stream over a DEALER,
//    CURVE client of that member's ROUTER.
// A stream is a TCP connection's bytes in messages [stream number, bytes]; empty bytes close it.
// Streams of a peer gone silent are closed after a while; libraft reconnects as it does over TCP.
// One thread of its own; route() may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace dispo::broker {

class MemberLink {
 public:
  struct Options {
    std::string listen;      // "HOST:PORT": this member's cluster address, bound for the others
    int raft_port = 0;       // this member's Raft listener, on 127.0.0.1
    std::string public_key;  // the broker's key pair (Z85)
    std::string secret_key;
  };

  // Binds and starts; throws std::runtime_error with a message for people when it cannot.
  static std::unique_ptr<MemberLink> start(Options options);
  ~MemberLink();
  MemberLink(const MemberLink&) = delete;
  MemberLink& operator=(const MemberLink&) = delete;

  // The loopback port to dial to reach the member whose cluster address is `address`
  // ("HOST:PORT"); its listener and CURVE connection are made on first use. 0 when it cannot.
  int route(const std::string& address);

  class Impl;

 private:
  explicit MemberLink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dispo::broker
