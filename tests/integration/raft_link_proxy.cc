#include "raft_link_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace dispo::testing {
namespace {

// A connection from a member, forwarded to the member behind the proxy.
struct Link {
  int from_fd = -1;          // the connecting member's side
  int to_fd = -1;            // the proxied member's side
  std::string preamble;      // the first 16 bytes (protocol, member id), until the id is known
  std::uint64_t member = 0;  // who connected (0: not known yet)
  bool stalled = false;      // never read again (stall())
};

constexpr std::size_t kPreamble = 16;

std::uint64_t little_endian(const std::string& bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (int k = 0; k < 8; ++k) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + k])) << (8 * k);
  return value;
}

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

void close_link(Link& link) {
  if (link.from_fd >= 0) ::close(link.from_fd);
  if (link.to_fd >= 0) ::close(link.to_fd);
  link.from_fd = link.to_fd = -1;
}

// Copies what `in` has to `out` (and to `seen`); false when either side is closed.
bool forward(int in, int out, Link& link, bool from_member, std::mutex& mutex, std::string& seen) {
  char buffer[65536];
  const ssize_t got = ::recv(in, buffer, sizeof buffer, 0);
  if (got <= 0) return false;
  {
    std::lock_guard lock(mutex);
    if (seen.size() < (64u << 20)) seen.append(buffer, static_cast<std::size_t>(got));
  }
  if (from_member && link.member == 0) {
    link.preamble.append(buffer, static_cast<std::size_t>(std::min<ssize_t>(got, kPreamble - link.preamble.size())));
    if (link.preamble.size() == kPreamble) link.member = little_endian(link.preamble, 8);
  }
  for (ssize_t sent = 0; sent < got;) {
    const ssize_t n = ::send(out, buffer + sent, static_cast<std::size_t>(got - sent), MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += n;
  }
  return true;
}

}  // namespace

RaftLinkProxy::RaftLinkProxy(int listen_port, int target_port) : target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int yes = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  // A small receive window (inherited by accepted links): a stalled link closes it within a few
  // heartbeats rather than after megabytes.
  const int window = 32 * 1024;
  ::setsockopt(listener_, SOL_SOCKET, SO_RCVBUF, &window, sizeof window);
  sockaddr_in address = loopback(listen_port);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
      ::pipe2(wake_, O_CLOEXEC) != 0) {
    throw std::runtime_error("proxy on port " + std::to_string(listen_port) + ": " + std::strerror(errno));
  }
  thread_ = std::thread(&RaftLinkProxy::run, this);
}

RaftLinkProxy::~RaftLinkProxy() {
  stop_.store(true);
  (void)!::write(wake_[1], "x", 1);
  thread_.join();
  ::close(listener_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void RaftLinkProxy::cut(std::uint64_t from) {
  {
    std::lock_guard lock(mutex_);
    cut_.insert(from);
  }
  (void)!::write(wake_[1], "x", 1);
}

void RaftLinkProxy::heal() {
  {
    std::lock_guard lock(mutex_);
    cut_.clear();
  }
  (void)!::write(wake_[1], "x", 1);
}

void RaftLinkProxy::stall(std::uint64_t from) {
  {
    std::lock_guard lock(mutex_);
    stall_.insert(from);
  }
  (void)!::write(wake_[1], "x", 1);
}

bool RaftLinkProxy::saw(std::string_view text) {
  std::lock_guard lock(mutex_);
  return seen_.find(text) != std::string::npos;
}

bool RaftLinkProxy::is_cut(std::uint64_t from) {
  std::lock_guard lock(mutex_);
  return cut_.count(from) > 0;
}

void RaftLinkProxy::run() {
  std::vector<Link> links;
  while (!stop_.load()) {
    {
      std::lock_guard lock(mutex_);
      for (Link& link : links)
        if (link.member != 0 && stall_.count(link.member) > 0) link.stalled = true;
      stall_.clear();
    }
    std::vector<pollfd> items = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    for (const Link& link : links) {
      items.push_back({link.from_fd, static_cast<short>(link.stalled ? 0 : POLLIN), 0});
      items.push_back({link.to_fd, POLLIN, 0});
    }
    if (::poll(items.data(), items.size(), 1000) < 0) continue;
    if (items[1].revents & POLLIN) {
      char drained[64];
      (void)!::read(wake_[0], drained, sizeof drained);
    }
    for (std::size_t i = 0; i < links.size(); ++i) {
      Link& link = links[i];
      const short from_events = items[2 + 2 * i].revents;
      const short to_events = items[3 + 2 * i].revents;
      bool open = true;
      if (link.stalled) {
        if (from_events & (POLLHUP | POLLERR)) open = false;  // its member gave up on it
      } else if (from_events & (POLLIN | POLLHUP | POLLERR)) {
        open = forward(link.from_fd, link.to_fd, link, true, mutex_, seen_);
      }
      if (open && (to_events & (POLLIN | POLLHUP | POLLERR)))
        open = forward(link.to_fd, link.from_fd, link, false, mutex_, seen_);
      if (!open || (link.member != 0 && is_cut(link.member))) close_link(link);
    }
    std::erase_if(links, [](const Link& link) { return link.from_fd < 0; });
    if (items[0].revents & POLLIN) {
      const int accepted = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (accepted < 0) continue;
      const int target = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address = loopback(target_port_);
      if (::connect(target, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(accepted);
        ::close(target);
        continue;
      }
      links.push_back({accepted, target, {}, 0});
    }
  }
  for (Link& link : links) close_link(link);
}

}  // namespace dispo::testing
