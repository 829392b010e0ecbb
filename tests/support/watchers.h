// Waiting without sleeping, for tests that watch real processes: a file that a child process
// writes to (woken by inotify), and the broker's feed (woken by its events and heartbeats).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include <zmq.hpp>

namespace dispo::testing {

// The whole file ("" if it cannot be read).
std::string read_file(const std::filesystem::path& path);

// Waits until the file (which must exist) contains `words`; false after `deadline`.
bool file_says(const std::filesystem::path& path, const std::string& words, std::chrono::milliseconds deadline);

// The broker's feed: every accepted change, and a heartbeat at least every second, carry the
// broker's sequence, so waiting on it needs no polling of the api. Subscribes to everything the
// (local, admin) connection may receive.
class FeedWatch {
 public:
  FeedWatch(zmq::context_t& context, const std::string& endpoint);

  // True once the feed announces a sequence above `target`; false after `deadline`.
  bool passes(std::uint64_t target, std::chrono::milliseconds deadline);

 private:
  zmq::socket_t socket_;
  std::uint64_t last_ = 0;
};

}  // namespace dispo::testing
