#include "routed_transport.h"

#include <cstring>

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

int routed_connect(raft_uv_transport* transport, raft_uv_connect* request, raft_id id, const char* address,
                   raft_uv_connect_cb cb) {
  RoutedTransport* self = routed_of(transport);
  const int port = self->route(address);
  if (port == 0) return RAFT_NOCONNECTION;
  const std::string local = "127.0.0.1:" + std::to_string(port);  // parsed at once by libraft
  return self->inner.connect(&self->inner, request, id, local.c_str(), cb);
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
