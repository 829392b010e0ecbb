#include "log_reader.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

#include "model/logger.h"
#include "dispo/schemas/thread_name.h"

namespace dispo::broker {

LogReader::LogReader(const Store& store) : store_(&store) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
  thread_ = std::thread([this] {
    wire::name_this_thread("dispo-logread");
    run();
  });
}

LogReader::~LogReader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_one();
  thread_.join();
  ::close(wake_fd_);
}

void LogReader::submit(Route route, LogRead read) {
  ++in_flight_;
  {
    std::lock_guard lock(mutex_);
    waiting_.emplace_back(std::move(route), std::move(read));
  }
  ready_.notify_one();
}

std::vector<LogReader::Finished> LogReader::take_finished() {
  std::uint64_t count = 0;
  (void)!::read(wake_fd_, &count, sizeof count);  // reset the eventfd; EAGAIN when already reset
  std::vector<Finished> out;
  {
    std::lock_guard lock(mutex_);
    out.swap(finished_);
  }
  in_flight_ -= out.size();
  return out;
}

void LogReader::run() {
  for (;;) {
    std::pair<Route, LogRead> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
      if (stopping_) return;
      job = std::move(waiting_.front());
      waiting_.pop_front();
    }
    std::string reply;
    try {
      reply = job.second(*store_);
    } catch (const std::exception& error) {  // e.g. bad_alloc: the loop must still answer
      logger()->error("log read failed: {}", error.what());
    }
    {
      std::lock_guard lock(mutex_);
      finished_.push_back(Finished{std::move(job.first), std::move(reply)});
    }
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
}

}  // namespace dispo::broker
