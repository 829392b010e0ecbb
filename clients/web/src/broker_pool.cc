#include "broker_pool.h"
#include "dispo/schemas/thread_name.h"

namespace dispo::web {

BrokerPool::BrokerPool(zmq::context_t& context, client::SessionOptions options, std::size_t threads,
                       std::size_t max_queued)
    : context_(&context), max_queued_(max_queued) {
  // One counter for every worker's session: a read through one never shows less than a write
  // another saw acknowledged (in a cluster, a follower behind it sends the read to the leader).
  if (!options.seen) options.seen = std::make_shared<std::atomic<std::uint64_t>>(0);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this, options] {
      wire::name_this_thread("dispo-pool");
      work(options);
    });
  }
}

BrokerPool::~BrokerPool() { stop(); }

bool BrokerPool::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void BrokerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
  // Jobs never run hold their connections: released now, while the server that owns their
  // sockets still exists (the pool outlives it in dispo-web's main).
  std::lock_guard lock(mutex_);
  jobs_.clear();
}

void BrokerPool::work(client::SessionOptions options) {
  client::Session session(*context_, std::move(options));
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(session);
  }
}

}  // namespace dispo::web
