#include "watchers.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "dispo/schemas/wire.h"

namespace dispo::testing {
namespace {

int milliseconds_until(std::chrono::steady_clock::time_point end) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long>(left.count(), 0));
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool file_says(const std::filesystem::path& path, const std::string& words, std::chrono::milliseconds deadline) {
  const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch < 0 || ::inotify_add_watch(watch, path.c_str(), IN_MODIFY) < 0) {
    if (watch >= 0) ::close(watch);
    return false;
  }
  const auto end = std::chrono::steady_clock::now() + deadline;
  bool found = false;
  while (!(found = read_file(path).find(words) != std::string::npos) && std::chrono::steady_clock::now() < end) {
    pollfd item{watch, POLLIN, 0};
    ::poll(&item, 1, milliseconds_until(end));
    char events[4096];
    while (::read(watch, events, sizeof events) > 0) {
    }
  }
  ::close(watch);
  return found;
}

FeedWatch::FeedWatch(zmq::context_t& context, const std::string& endpoint) : socket_(context, zmq::socket_type::sub) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::subscribe, "ev/");
  socket_.set(zmq::sockopt::subscribe, "hb/");
  socket_.connect(endpoint);
}

bool FeedWatch::passes(std::uint64_t target, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (last_ <= target) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(milliseconds_until(end))) == 0) return false;
    zmq::message_t topic, body;
    if (!socket_.recv(topic, zmq::recv_flags::dontwait) || !topic.more()) continue;
    if (!socket_.recv(body, zmq::recv_flags::none)) continue;  // multipart messages arrive whole
    auto message = wire::decode(body.data(), body.size(), SIZE_MAX);
    if (!message) continue;
    if (const auto* event = (*message)->body_as_FeedEvent()) last_ = std::max(last_, event->sequence());
    if (const auto* heartbeat = (*message)->body_as_Heartbeat()) last_ = std::max(last_, heartbeat->sequence());
  }
  return true;
}

}  // namespace dispo::testing
