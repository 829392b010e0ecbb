// StorageGuard: what the broker does while its storage cannot make writes durable (disk full,
// I/O error). Writes are then refused up front with `storage_error` and a French message
// (nothing is applied), reads keep being answered from the index, and writes are accepted again
// as soon as the storage is back, without a restart.
//
// Two sources of trouble:
//  - low space: less than `min_free_bytes` free on the data directory's file system. Checked
//    before every batch, so the broker refuses writes BEFORE RocksDB runs out of space (RocksDB
//    7.8's own recovery after a failed WAL write can abort the process on an internal assertion);
//  - a failed commit (RocksDB error): the store is asked to resume at most every `retry_every`.
// Owned by the event loop thread: not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "dispo/schemas/result.h"
#include "store.h"

namespace dispo::broker {

class StorageGuard {
 public:
  using Clock = std::chrono::steady_clock;

  StorageGuard(std::filesystem::path data_dir, std::uint64_t min_free_bytes,
               std::chrono::milliseconds retry_every)
      : data_dir_(std::move(data_dir)), min_free_bytes_(min_free_bytes), retry_every_(retry_every) {}

  // A commit failed: writes are refused until store.resume() succeeds.
  void on_commit_failed(WriteFailure failure, Clock::time_point now);

  // Re-checks free space and, when due, tries to resume the store. Returns true when degraded()
  // changed (the caller then updates what the dispatcher refuses).
  bool refresh(Store& store, Clock::time_point now);

  bool degraded() const { return low_space_ || store_failure_.has_value(); }

  // The French refusal for writes while degraded.
  Error refusal() const;

 private:
  std::optional<std::uint64_t> available_bytes() const;

  std::filesystem::path data_dir_;
  std::uint64_t min_free_bytes_;
  std::chrono::milliseconds retry_every_;
  bool low_space_ = false;
  std::optional<WriteFailure> store_failure_;
  Clock::time_point next_attempt_{};
  unsigned attempts_ = 0;
};

}  // namespace dispo::broker
