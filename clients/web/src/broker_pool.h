// BrokerPool: a few worker threads, each with its own Session to the broker (one ZeroMQ socket
// per thread), that run the gateway's broker calls off the HTTP threads. Browsers never get a
// connection of their own: every call goes through these sessions, as the gateway principal,
// naming the person it acts for. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "dispo/clients/session.h"

namespace dispo::web {

class BrokerPool {
 public:
  using Job = std::function<void(client::Session&)>;

  // Starts `threads` workers (each opens a Session with `options`). At most `max_queued` jobs wait.
  BrokerPool(zmq::context_t& context, client::SessionOptions options, std::size_t threads, std::size_t max_queued);
  ~BrokerPool();
  BrokerPool(const BrokerPool&) = delete;
  BrokerPool& operator=(const BrokerPool&) = delete;

  // Queues `job`; false (nothing queued) when the queue is full or the pool stopping.
  bool submit(Job job);

  void stop();

 private:
  void work(client::SessionOptions options);

  zmq::context_t* context_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  std::size_t max_queued_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace dispo::web
