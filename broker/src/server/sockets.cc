#include "sockets.h"

#include <sys/stat.h>

#include <filesystem>

#include "access/endpoints.h"
#include "access/feed_topics.h"
#include "model/logger.h"

namespace dispo::broker {

ApiSocket::ApiSocket(zmq::context_t& context, BrokerOptions& options, const Principals& principals)
    : context_(&context), options_(&options), principals_(&principals), api_(context, zmq::socket_type::router) {
  if (options.api.empty()) options.api = default_ipc_endpoint(options.data_dir, "api");
  if (options.feed.empty()) options.feed = default_ipc_endpoint(options.data_dir, "feed");
}

void ApiSocket::secure(zmq::socket_t& socket) const {
  if (!curve()) return;
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, options_->curve_secret_key);
  socket.set(zmq::sockopt::zap_domain, "dispo");
#ifdef ZMQ_ZAP_ENFORCE_DOMAIN
  socket.set(zmq::sockopt::zap_enforce_domain, 1);
#endif
}

Result<void> ApiSocket::bind_endpoint(zmq::socket_t& socket, const std::string& endpoint) const {
  const auto path = ipc_path(endpoint);
  if (!path.empty()) {
    if (auto prepared = prepare_ipc_directory(path, options_->data_dir, options_->group_access); !prepared) {
      return prepared.error();
    }
  }
  try {
    const mode_t previous = ::umask(options_->group_access ? 0007 : 0077);
    try {
      socket.bind(bindable_endpoint(endpoint));
    } catch (...) {
      ::umask(previous);
      throw;
    }
    ::umask(previous);
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid, "impossible d'écouter sur " + endpoint + " : " + error.what());
  }
  if (!path.empty()) return restrict_ipc_socket(path, options_->group_access);
  return {};
}

Result<void> ApiSocket::bind() {
  if (!curve()) {
    for (const auto& endpoint : {options_->api, options_->feed}) {
      if (auto allowed = check_without_curve(endpoint, options_->insecure_tcp_loopback); !allowed) {
        return allowed.error();
      }
      if (endpoint_kind(endpoint) == EndpointKind::tcp_loopback) {
        logger()->warn("INSECURE: {} is plain TCP without CURVE (--insecure-tcp-loopback): every local "
                       "account can connect and act as the admin; for demos and tests only",
                       endpoint);
      }
    }
  } else {
    zap_ = std::make_unique<ZapHandler>(*context_, *principals_);
  }
  try {
    api_.set(zmq::sockopt::linger, 0);
    // Per peer: replies beyond sndhwm to a peer that does not read them are dropped; past
    // rcvhwm queued requests, libzmq stops reading that peer (TCP pushes back on it alone).
    api_.set(zmq::sockopt::sndhwm, options_->api_high_water_mark * 10);
    api_.set(zmq::sockopt::rcvhwm, options_->api_high_water_mark);
    // A hard ceiling well above the reply-with-error limit, so huge frames cannot exhaust memory.
    api_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(options_->max_message_bytes * 4));
    api_.set(zmq::sockopt::router_mandatory, false);
    secure(api_);
    if (curve()) handshakes_ = std::make_unique<HandshakeMonitor>(*context_, api_, "api");
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid, "impossible de préparer " + options_->api + " : " + error.what());
  }
  return bind_endpoint(api_, options_->api);
}

void ApiSocket::send(Reply& reply) {
  api_.send(std::move(reply.routing_id), zmq::send_flags::sndmore);
  if (reply.delimiter) api_.send(zmq::message_t(), zmq::send_flags::sndmore);
  api_.send(zmq::buffer(reply.bytes), zmq::send_flags::none);
}

void ApiSocket::add_security_items(std::vector<zmq::pollitem_t>& items) {
  if (!zap_) return;
  items.push_back({zap_->socket().handle(), 0, ZMQ_POLLIN, 0});
  items.push_back({handshakes_->socket().handle(), 0, ZMQ_POLLIN, 0});
}

void ApiSocket::serve_security(const std::vector<zmq::pollitem_t>& items, std::size_t first) {
  if (!zap_) return;
  if (items[first].revents & ZMQ_POLLIN) zap_->answer_waiting();
  if (items[first + 1].revents & ZMQ_POLLIN) handshakes_->drain();
}

Feed::Feed(zmq::context_t& context, const BrokerOptions& options, const ApiSocket& security,
           const Principals& principals, BrokerProbe* probe)
    : context_(&context),
      options_(&options),
      security_(&security),
      principals_(&principals),
      probe_(probe),
      feed_(context, zmq::socket_type::xpub) {}

Result<void> Feed::bind() {
  try {
    feed_.set(zmq::sockopt::linger, 0);
    feed_.set(zmq::sockopt::sndhwm, options_->feed_high_water_mark);
    feed_.set(zmq::sockopt::xpub_manual, 1);  // we grant each subscription (grant_subscriptions)
    security_->secure(feed_);
    if (security_->curve()) handshakes_ = std::make_unique<HandshakeMonitor>(*context_, feed_, "feed");
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid,
                      "impossible de préparer le flux " + options_->feed + " : " + error.what());
  }
  return security_->bind_endpoint(feed_, options_->feed);
}

void Feed::publish(std::string_view topic, std::string_view bytes) {
  if (!open()) return;
  feed_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
  feed_.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
}

void Feed::close() {
  handshakes_.reset();
  feed_.close();
  closed_at_ = std::chrono::steady_clock::now();
  next_bind_ = *closed_at_;
}

std::optional<std::chrono::steady_clock::time_point> Feed::next_rebind() const {
  if (!closed_at_) return std::nullopt;
  return next_bind_;
}

void Feed::rebind_if_due() {
  if (!closed_at_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_bind_) return;
  // The old ipc listener deletes its socket file as it closes (in libzmq's I/O thread): wait for
  // that (2 s at most), or it would delete the new one.
  std::error_code ec;
  if (const auto path = ipc_path(options_->feed);
      !path.empty() && std::filesystem::exists(path, ec) && now - *closed_at_ < std::chrono::seconds(2)) {
    next_bind_ = now + std::chrono::milliseconds(1);
    return;
  }
  feed_ = zmq::socket_t(*context_, zmq::socket_type::xpub);
  if (auto bound = bind(); bound) {
    logger()->info("feed rebound after a revocation: subscribers reconnect and authenticate again");
    closed_at_.reset();
    return;
  }
  handshakes_.reset();
  feed_.close();
  next_bind_ = now + std::chrono::milliseconds(20);  // the old listener is still closing
  if (now - *closed_at_ > std::chrono::seconds(3)) {
    logger()->critical("cannot rebind the feed on {} after a revocation (still trying)", options_->feed);
    next_bind_ = now + std::chrono::seconds(1);
  }
}

void Feed::add_items(std::vector<zmq::pollitem_t>& items) {
  polled_ = 0;
  if (!open()) return;
  items.push_back({feed_.handle(), 0, ZMQ_POLLIN, 0});
  ++polled_;
  if (handshakes_) {
    items.push_back({handshakes_->socket().handle(), 0, ZMQ_POLLIN, 0});
    ++polled_;
  }
}

void Feed::serve(const std::vector<zmq::pollitem_t>& items, std::size_t first) {
  if (polled_ == 0) return;
  if (polled_ > 1 && (items[first + 1].revents & ZMQ_POLLIN)) handshakes_->drain();
  if (items[first].revents & ZMQ_POLLIN) grant_subscriptions();
}

void Feed::grant_subscriptions() {
  zmq::message_t message;
  while (feed_.recv(message, zmq::recv_flags::dontwait)) {
    if (message.size() == 0) continue;
    const auto* bytes = static_cast<const char*>(message.data());
    const bool subscribe = bytes[0] == 1;
    if (!subscribe && bytes[0] != 0) continue;
    const std::string_view requested(bytes + 1, message.size() - 1);
    if (probe_) probe_->on_subscription(subscribe);
    const wire::PrincipalT& principal = principal_of(message, *principals_, security_->curve());
    const auto topics = granted_topics(principal, requested);
    if (subscribe && topics.empty()) {
      logger()->warn("feed: subscription to \"{}\" by {} refused (outside its territory or role)",
                     requested, principal.name);
    }
    for (const auto& topic : topics) {
      if (subscribe) {
        feed_.set(zmq::sockopt::subscribe, topic);
      } else {
        feed_.set(zmq::sockopt::unsubscribe, topic);
      }
    }
  }
}

}  // namespace dispo::broker
