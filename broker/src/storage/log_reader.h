// LogReader: one thread that runs the reads of the event log (log_read.h: capacity --at, the
// written record, the export) off the event loop, so a judge's report over a year of log does not
// hold up the facilities' updates and the on-call searches meanwhile.
//
// The loop submits a read once the batch that received it is committed (so the read sees every
// write acknowledged before it). Finished replies wait in a list and an eventfd wakes the loop,
// which sends them on the api socket (it stays the only thread touching that socket). At most
// kMaxInFlight reads wait or run; the dispatcher refuses more (unavailable). Reads run one at a
// time, in submission order. submit/take_finished/in_flight are called by the loop thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "log_read.h"
#include "store.h"

namespace dispo::broker {

class LogReader {
 public:
  static constexpr std::size_t kMaxInFlight = 8;

  // Where a reply goes: the api socket's routing id, and whether the client is a REQ socket (an
  // empty delimiter frame before the reply).
  struct Route {
    std::string routing_id;
    bool delimiter = false;
    std::uint64_t request_id = 0;
  };
  struct Finished {
    Route route;
    std::string reply;  // "" when the read threw (logged): the loop answers with an error
  };

  explicit LogReader(const Store& store);
  // Stops after the read under way; reads still waiting are dropped (their clients retry).
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  void submit(Route route, LogRead read);
  // Submitted and not yet taken back by take_finished().
  std::size_t in_flight() const { return in_flight_; }
  // Readable (poll) when finished replies wait.
  int wake_fd() const { return wake_fd_; }
  std::vector<Finished> take_finished();

 private:
  void run();

  const Store* store_;
  int wake_fd_ = -1;
  std::size_t in_flight_ = 0;  // loop thread only
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<Route, LogRead>> waiting_;
  std::vector<Finished> finished_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dispo::broker
