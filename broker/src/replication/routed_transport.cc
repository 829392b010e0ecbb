#include "routed_transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <unordered_map>

namespace dispo::broker {
namespace {

RoutedTransport* routed_of(raft_uv_transport* transport) { return static_cast<RoutedTransport*>(transport->impl); }
RoutedTransport* routed_of_inner(raft_uv_transport* inner) { return static_cast<RoutedTransport*>(inner->data); }

int routed_init(raft_uv_transport* transport, raft_id id, const char* address) {
  RoutedTransport* self = routed_of(transport);
  const int rv = self->inner.init(&self->inner, id, address);
  if (rv != 0) std::memcpy(transport->errmsg, self->inner.errmsg, sizeof transport->errmsg);
  return rv;
}

void routed_accept(raft_uv_transport* inner, raft_id id, const char* address, uv_stream_t* stream) {
  RoutedTransport* self = routed_of_inner(inner);
  self->accept_cb(&self->outer, id, address, stream);
}

int routed_listen(raft_uv_transport* transport, raft_uv_accept_cb cb) {
  RoutedTransport* self = routed_of(transport);
  self->accept_cb = cb;
  const int rv = self->inner.listen(&self->inner, &routed_accept);
  if (rv != 0) std::memcpy(transport->errmsg, self->inner.errmsg, sizeof transport->errmsg);
  return rv;
}

// Connections being dialled on this thread (each log has its own libuv thread): libraft's callback
// for each, called once the connection is bounded.
thread_local std::unordered_map<raft_uv_connect*, std::pair<RoutedTransport*, raft_uv_connect_cb>> dialling;

void routed_connected(raft_uv_connect* request, uv_stream_t* stream, int status) {
  const auto found = dialling.find(request);
  if (found == dialling.end()) return;  // not dialled through routed_connect: cannot happen
  const auto [self, cb] = found->second;
  dialling.erase(found);
  uv_os_fd_t fd = -1;
  if (status == 0 && stream != nullptr && self->user_timeout_ms > 0 &&
      uv_fileno(reinterpret_cast<uv_handle_t*>(stream), &fd) == 0) {
    const unsigned timeout = self->user_timeout_ms;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout, sizeof timeout);
  }
  cb(request, stream, status);
}

int routed_connect(raft_uv_transport* transport, raft_uv_connect* request, raft_id id, const char* address,
                   raft_uv_connect_cb cb) {
  RoutedTransport* self = routed_of(transport);
  std::string target = address;
  if (self->route) {
    const int port = self->route(address);
    if (port == 0) return RAFT_NOCONNECTION;
    target = "127.0.0.1:" + std::to_string(port);  // parsed at once by libraft
  }
  dialling[request] = {self, cb};
  const int rv = self->inner.connect(&self->inner, request, id, target.c_str(), &routed_connected);
  if (rv != 0) dialling.erase(request);
  return rv;
}

void routed_closed(raft_uv_transport* inner) {
  RoutedTransport* self = routed_of_inner(inner);
  self->close_cb(&self->outer);
}

void routed_close(raft_uv_transport* transport, raft_uv_transport_close_cb cb) {
  RoutedTransport* self = routed_of(transport);
  self->close_cb = cb;
  self->inner.close(&self->inner, &routed_closed);
}

}  // namespace

void wire_routed_transport(RoutedTransport& routed) {
  routed.inner.data = &routed;
  routed.outer.impl = &routed;
  routed.outer.init = &routed_init;
  routed.outer.listen = &routed_listen;
  routed.outer.connect = &routed_connect;
  routed.outer.close = &routed_close;
}

}  // namespace dispo::broker
