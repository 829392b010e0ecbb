// RoutedTransport: libraft's TCP transport with its outgoing connections bounded and, optionally,
// redirected.
//
// Bounded: libraft only writes on the connections it dials and never reads them, so a connection
// whose bytes stop being taken (a member hung or frozen with its buffers full, a path that went
// dead) is noticed only by TCP's retransmission timeout, many minutes later; meanwhile that member
// hears nothing from this one and libraft queues its messages in memory. Every dialled connection
// gets TCP_USER_TIMEOUT: data left unacknowledged that long (zero-window probes included) makes
// the kernel drop the connection, the write fails, and libraft dials again.
//
// Redirected (with `route`): to reach the member at `address` it dials 127.0.0.1:route(address) —
// the member link's loopback listener for that member (member_link.h) — instead of the address
// itself; accepting is unchanged (bind it to loopback). The handshake still names the members' own
// ids and addresses.
// Used on the log's thread only (libuv).
#pragma once

extern "C" {
#include <raft.h>
#include <raft/uv.h>
}

#include <functional>
#include <string>

namespace dispo::broker {

struct RoutedTransport {
  raft_uv_transport outer{};  // what raft_uv_init is given
  raft_uv_transport inner{};  // libraft's TCP transport (raft_uv_tcp_init), driven by `outer`
  std::function<int(const std::string& address)> route;  // 0: unreachable; empty: dial `address` itself
  unsigned user_timeout_ms = 0;                           // TCP_USER_TIMEOUT of dialled connections
  raft_uv_accept_cb accept_cb = nullptr;
  raft_uv_transport_close_cb close_cb = nullptr;
};

// Makes `routed.outer` drive `routed.inner`, which must be initialised already (raft_uv_tcp_init).
void wire_routed_transport(RoutedTransport& routed);

}  // namespace dispo::broker
