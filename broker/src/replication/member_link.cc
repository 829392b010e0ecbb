#include "member_link.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/thread_name.h"

namespace dispo::broker {
namespace {

using Clock = std::chrono::steady_clock;

// A stream with no bytes either way for this long belongs to a peer gone away (libraft's
// connections carry heartbeats several times a second): closed, libraft reconnects if it needs to.
constexpr auto kIdleStream = std::chrono::seconds(10);
// Messages (stream chunks, 64 KiB at most) queued for a member not connected.
constexpr int kQueuedPerMember = 256;

std::string number_bytes(std::uint64_t number) {
  std::string bytes(8, '\0');
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>(number >> (8 * k));
  return bytes;
}

std::uint64_t number_of(const zmq::message_t& frame) {
  if (frame.size() != 8) return 0;
  const auto* in = static_cast<const unsigned char*>(frame.data());
  std::uint64_t number = 0;
  for (int k = 0; k < 8; ++k) number |= static_cast<std::uint64_t>(in[k]) << (8 * k);
  return number;
}

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

// Writes all of `bytes` to a loopback TCP socket; false when it is closed.
bool write_all(int fd, const void* bytes, std::size_t size) {
  const auto* at = static_cast<const char*>(bytes);
  while (size > 0) {
    const ssize_t sent = ::send(fd, at, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    at += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

// Sends without waiting; false when it cannot now (the member not connected, or gone away: with
// router_mandatory a ROUTER throws EHOSTUNREACH). The stream is then closed by the caller.
template <std::size_t N>
bool try_send(zmq::socket_t& socket, const std::array<zmq::const_buffer, N>& frames) {
  try {
    return zmq::send_multipart(socket, frames, zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {
    return false;
  }
}

struct Stream {
  int fd = -1;
  Clock::time_point last = Clock::now();
};

// The streams to one other member: libraft's connections to its loopback listener, over a DEALER.
struct Outbound {
  std::string address;
  int listener = -1;
  zmq::socket_t dealer;
  std::map<std::uint64_t, Stream> streams;
};

// What one poll item stands for.
struct Item {
  enum Kind { zap, router, wake, dealer, listener, outbound_stream, inbound_stream } kind;
  Outbound* outbound = nullptr;
  std::uint64_t number = 0;
  std::pair<std::string, std::uint64_t> inbound{};
};

}  // namespace

class MemberLink::Impl {
 public:
  explicit Impl(Options options) : options_(std::move(options)) {}
  ~Impl() {
    for (int fd : wake_)
      if (fd >= 0) ::close(fd);
  }

  void open();
  void run();
  int route(const std::string& address);
  void stop() {
    stop_.store(true);
    (void)!::write(wake_[1], "x", 1);
    thread.join();
  }
  std::thread thread;

 private:
  void answer_zap();
  void from_router();
  void from_dealer(Outbound& outbound);
  void accept(Outbound& outbound);
  void from_outbound_stream(Outbound& outbound, std::uint64_t number);
  void from_inbound_stream(const std::pair<std::string, std::uint64_t>& key);
  void take_pending_routes();
  void close_idle_streams();
  void serve(const Item& item);
  void close_everything();
  void close_inbound(const std::pair<std::string, std::uint64_t>& key, bool tell);

  Options options_;
  zmq::context_t context_{1};
  zmq::socket_t zap_{context_, zmq::socket_type::rep};
  zmq::socket_t router_{context_, zmq::socket_type::router};
  int wake_[2] = {-1, -1};
  std::atomic<bool> stop_{false};

  std::mutex mutex_;
  std::map<std::string, int> ports_;                  // guarded: address -> loopback port
  std::vector<std::pair<std::string, int>> pending_;  // guarded: address, listener awaiting its DEALER

  std::vector<std::unique_ptr<Outbound>> outbound_;                      // the link's thread only
  std::map<std::pair<std::string, std::uint64_t>, Stream> inbound_;     // (routing id, number)
  std::uint64_t next_number_ = 1;
};

void MemberLink::Impl::open() {
  if (::pipe(wake_) != 0) throw std::runtime_error(std::string("member link: pipe: ") + std::strerror(errno));
  zap_.set(zmq::sockopt::linger, 0);
  zap_.bind("inproc://zeromq.zap.01");  // this context's CURVE handshakes ask it
  router_.set(zmq::sockopt::linger, 0);
  router_.set(zmq::sockopt::curve_server, 1);
  router_.set(zmq::sockopt::curve_secretkey, options_.secret_key);
  router_.set(zmq::sockopt::zap_domain, "dispo-members");
  router_.set(zmq::sockopt::router_mandatory, 1);
  router_.set(zmq::sockopt::heartbeat_ivl, 1000);
  router_.set(zmq::sockopt::heartbeat_timeout, 3000);
  try {
    router_.bind("tcp://" + options_.listen);
  } catch (const zmq::error_t& error) {
    throw std::runtime_error("member link: cannot listen on " + options_.listen + " (" + error.what() + ")");
  }
}

int MemberLink::Impl::route(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (auto known = ports_.find(address); known != ports_.end()) return known->second;
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in any = loopback(0);
  socklen_t length = sizeof any;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
      ::listen(listener, 16) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&any), &length) != 0) {
    if (listener >= 0) ::close(listener);
    return 0;
  }
  const int port = ntohs(any.sin_port);
  ports_[address] = port;
  pending_.emplace_back(address, listener);
  (void)!::write(wake_[1], "x", 1);
  return port;
}

void MemberLink::Impl::take_pending_routes() {
  std::vector<std::pair<std::string, int>> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(pending_);
  }
  for (auto& [address, listener] : pending) {
    auto outbound = std::make_unique<Outbound>();
    outbound->address = address;
    outbound->listener = listener;
    outbound->dealer = zmq::socket_t(context_, zmq::socket_type::dealer);
    outbound->dealer.set(zmq::sockopt::linger, 0);
    // Bytes for a member not connected (restarting, or its link reconnecting) wait in the DEALER's
    // queue, at most kQueuedPerMember messages, and go once it is back: a stream libraft opens in
    // that moment — the vote request of an election — starts with its handshake and is delivered.
    // Dropping them instead (ZMQ_IMMEDIATE) cost the election a round: 5 leader kills over this
    // link, 4 runs each: max 2.1-3.0 s from kill to next acknowledged write with drops, 1.3-1.8 s
    // with the queue (2026-12-02). A queued chunk of a stream the restarted member never saw is
    // refused by its libraft, as a connection to a restarted member would be over plain TCP.
    outbound->dealer.set(zmq::sockopt::immediate, 0);
    outbound->dealer.set(zmq::sockopt::sndhwm, kQueuedPerMember);
    outbound->dealer.set(zmq::sockopt::heartbeat_ivl, 1000);
    outbound->dealer.set(zmq::sockopt::heartbeat_timeout, 3000);
    outbound->dealer.set(zmq::sockopt::curve_serverkey, options_.public_key);
    outbound->dealer.set(zmq::sockopt::curve_publickey, options_.public_key);
    outbound->dealer.set(zmq::sockopt::curve_secretkey, options_.secret_key);
    outbound->dealer.connect("tcp://" + address);
    outbound_.push_back(std::move(outbound));
  }
}

void MemberLink::Impl::answer_zap() {
  while (true) {
    std::vector<zmq::message_t> request;
    if (!zmq::recv_multipart(zap_, std::back_inserter(request), zmq::recv_flags::dontwait)) return;
    // [version, request id, domain, address, identity, mechanism, credentials...]: only the
    // holders of the broker's key pair — the members — may connect.
    const bool member = request.size() >= 7 && request[5].to_string_view() == "CURVE" && request[6].size() == 32 &&
                        wire::z85_of_binary_key(request[6].data()) == options_.public_key;
    const std::string_view request_id = request.size() > 1 ? request[1].to_string_view() : "";
    const std::string status = member ? "200" : "400";
    const std::string reason = member ? "OK" : "not a member of this cluster";
    std::array<zmq::const_buffer, 6> reply = {zmq::str_buffer("1.0"), zmq::buffer(request_id), zmq::buffer(status),
                                              zmq::buffer(reason),    zmq::const_buffer(),      zmq::const_buffer()};
    zmq::send_multipart(zap_, reply);
  }
}

void MemberLink::Impl::close_inbound(const std::pair<std::string, std::uint64_t>& key, bool tell) {
  auto found = inbound_.find(key);
  if (found == inbound_.end()) return;
  ::close(found->second.fd);
  inbound_.erase(found);
  if (tell) {
    const std::string number = number_bytes(key.second);  // outlives the send
    std::array<zmq::const_buffer, 3> closing = {zmq::buffer(key.first), zmq::buffer(number), zmq::const_buffer()};
    (void)try_send(router_, closing);
  }
}

// [routing id, stream number, bytes] from another member, for this member's Raft listener.
void MemberLink::Impl::from_router() {
  while (true) {
    std::vector<zmq::message_t> frames;
    std::optional<std::size_t> got;
    try {
      got = zmq::recv_multipart(router_, std::back_inserter(frames), zmq::recv_flags::dontwait);
    } catch (const zmq::error_t&) {
      return;
    }
    if (!got) return;
    if (frames.size() != 3 || number_of(frames[1]) == 0) continue;  // not ours: dropped
    const std::pair<std::string, std::uint64_t> key{frames[0].to_string(), number_of(frames[1])};
    auto stream = inbound_.find(key);
    if (frames[2].size() == 0) {
      close_inbound(key, false);
      continue;
    }
    if (stream == inbound_.end()) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in raft = loopback(options_.raft_port);
      if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&raft), sizeof raft) != 0) {
        if (fd >= 0) ::close(fd);
        std::array<zmq::const_buffer, 3> closing = {zmq::buffer(key.first), zmq::buffer(frames[1].data(), 8),
                                                    zmq::const_buffer()};
        (void)try_send(router_, closing);
        continue;
      }
      stream = inbound_.emplace(key, Stream{fd, Clock::now()}).first;
    }
    stream->second.last = Clock::now();
    if (!write_all(stream->second.fd, frames[2].data(), frames[2].size())) close_inbound(key, true);
  }
}

// [stream number, bytes] from the member `outbound` leads to, for one of libraft's connections.
void MemberLink::Impl::from_dealer(Outbound& outbound) {
  while (true) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(outbound.dealer, std::back_inserter(frames), zmq::recv_flags::dontwait)) return;
    if (frames.size() != 2) continue;
    auto stream = outbound.streams.find(number_of(frames[0]));
    if (stream == outbound.streams.end()) continue;
    stream->second.last = Clock::now();
    if (frames[1].size() == 0 || !write_all(stream->second.fd, frames[1].data(), frames[1].size())) {
      ::close(stream->second.fd);
      outbound.streams.erase(stream);
    }
  }
}

void MemberLink::Impl::accept(Outbound& outbound) {
  const int fd = ::accept(outbound.listener, nullptr, nullptr);
  if (fd >= 0) outbound.streams.emplace(next_number_++, Stream{fd, Clock::now()});
}

void MemberLink::Impl::from_outbound_stream(Outbound& outbound, std::uint64_t number) {
  auto stream = outbound.streams.find(number);
  if (stream == outbound.streams.end()) return;
  char buffer[65536];
  const ssize_t got = ::recv(stream->second.fd, buffer, sizeof buffer, 0);
  const std::string number_frame = number_bytes(number);
  std::array<zmq::const_buffer, 2> message = {zmq::buffer(number_frame),
                                              got > 0 ? zmq::buffer(buffer, static_cast<std::size_t>(got))
                                                      : zmq::const_buffer()};
  const bool sent = try_send(outbound.dealer, message);
  stream->second.last = Clock::now();
  // The member unreachable for long (its queue full), or the connection closed by libraft.
  if (got <= 0 || !sent) {
    ::close(stream->second.fd);
    outbound.streams.erase(stream);
  }
}

void MemberLink::Impl::from_inbound_stream(const std::pair<std::string, std::uint64_t>& key) {
  auto stream = inbound_.find(key);
  if (stream == inbound_.end()) return;
  char buffer[65536];
  const ssize_t got = ::recv(stream->second.fd, buffer, sizeof buffer, 0);
  if (got <= 0) {
    close_inbound(key, true);
    return;
  }
  const std::string number_frame = number_bytes(key.second);
  std::array<zmq::const_buffer, 3> message = {zmq::buffer(key.first), zmq::buffer(number_frame),
                                              zmq::buffer(buffer, static_cast<std::size_t>(got))};
  const bool sent = try_send(router_, message);
  stream->second.last = Clock::now();
  if (!sent) close_inbound(key, false);
}

void MemberLink::Impl::close_idle_streams() {
  const auto now = Clock::now();
  for (auto& outbound : outbound_) {
    std::erase_if(outbound->streams, [&](auto& entry) {
      if (now - entry.second.last < kIdleStream) return false;
      ::close(entry.second.fd);
      return true;
    });
  }
  std::erase_if(inbound_, [&](auto& entry) {
    if (now - entry.second.last < kIdleStream) return false;
    ::close(entry.second.fd);
    return true;
  });
}

void MemberLink::Impl::run() {
  wire::name_this_thread("dispo-link");
  auto last_sweep = Clock::now();
  while (!stop_.load()) {
    std::vector<zmq::pollitem_t> items = {{zap_.handle(), 0, ZMQ_POLLIN, 0},
                                          {router_.handle(), 0, ZMQ_POLLIN, 0},
                                          {nullptr, wake_[0], ZMQ_POLLIN, 0}};
    std::vector<Item> what = {{Item::zap}, {Item::router}, {Item::wake}};
    for (auto& outbound : outbound_) {
      items.push_back({outbound->dealer.handle(), 0, ZMQ_POLLIN, 0});
      what.push_back({Item::dealer, outbound.get()});
      items.push_back({nullptr, outbound->listener, ZMQ_POLLIN, 0});
      what.push_back({Item::listener, outbound.get()});
      for (const auto& [number, stream] : outbound->streams) {
        items.push_back({nullptr, stream.fd, ZMQ_POLLIN, 0});
        what.push_back({Item::outbound_stream, outbound.get(), number});
      }
    }
    for (const auto& [key, stream] : inbound_) {
      items.push_back({nullptr, stream.fd, ZMQ_POLLIN, 0});
      what.push_back({Item::inbound_stream, nullptr, 0, key});
    }
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(1000));
    } catch (const zmq::error_t& error) {
      if (error.num() == EINTR) continue;
      throw;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!(items[i].revents & (ZMQ_POLLIN | ZMQ_POLLERR))) continue;
      const Item& item = what[i];
      try {
        serve(item);
      } catch (const zmq::error_t&) {  // never lets the link's thread die: that stream is dropped
      }
    }
    if (Clock::now() - last_sweep >= std::chrono::seconds(1)) {
      close_idle_streams();
      last_sweep = Clock::now();
    }
  }
  close_everything();
}

void MemberLink::Impl::serve(const Item& item) {
  switch (item.kind) {
    case Item::zap: answer_zap(); break;
    case Item::router: from_router(); break;
    case Item::wake: {
      char drained[64];
      (void)!::read(wake_[0], drained, sizeof drained);
      take_pending_routes();
      break;
    }
    case Item::dealer: from_dealer(*item.outbound); break;
    case Item::listener: accept(*item.outbound); break;
    case Item::outbound_stream: from_outbound_stream(*item.outbound, item.number); break;
    case Item::inbound_stream: from_inbound_stream(item.inbound); break;
  }
}

void MemberLink::Impl::close_everything() {
  for (auto& outbound : outbound_) {
    for (auto& [number, stream] : outbound->streams) ::close(stream.fd);
    ::close(outbound->listener);
  }
  for (auto& [key, stream] : inbound_) ::close(stream.fd);
  std::lock_guard lock(mutex_);
  for (auto& [address, listener] : pending_) ::close(listener);
}

std::unique_ptr<MemberLink> MemberLink::start(Options options) {
  if (!wire::is_z85_key(options.public_key) || !wire::is_z85_key(options.secret_key))
    throw std::runtime_error("member link: the broker's CURVE key pair is needed (--curve-key)");
  auto impl = std::make_unique<Impl>(std::move(options));
  impl->open();
  impl->thread = std::thread(&Impl::run, impl.get());
  return std::unique_ptr<MemberLink>(new MemberLink(std::move(impl)));
}

MemberLink::MemberLink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MemberLink::~MemberLink() { impl_->stop(); }
int MemberLink::route(const std::string& address) { return impl_->route(address); }

}  // namespace dispo::broker
