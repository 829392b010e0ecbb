// Outbox: a publisher's writes that the broker has not acknowledged yet, kept on local disk so
// that neither a broker outage nor a kill -9 of the publisher loses them (DESIGN.md §5, 6).
//
// An outbox is a directory:
//   queue.<generation>  the entries, appended in order; each one framed [magic, length, crc32,
//                       kept-at] + a finished wire Message holding the Request (its request id and
//                       client id inside, so the broker's idempotent retry dedupes a redelivery of
//                       something it had in fact applied);
//   cursor              "<generation> <offset> <highest request id>": where unsettled entries begin;
//   client-id           the stable client id of this outbox, written on first use;
//   rejected/           entries the broker refused for good: <request id>.req and a French .txt;
//   lock                flock()ed while an Outbox is open: one process at a time per directory.
//
// append() returns only once the entries are on disk (file, then directory, fsync'ed). entries()
// gives them back in append order; settle() removes them from the front, after the broker's ack or
// a definitive refusal. A crash during append() leaves at most a torn last entry: its checksum
// fails, and open() cuts it off (recovered_bytes() says how much). Losing a cursor update (power
// loss) only redelivers settled entries, which the broker answers from its reply cache.
// Not thread-safe: one Outbox per process, and the lock keeps other processes out.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/result.h"

namespace dispo::publishers {

class Outbox {
 public:
  struct Entry {
    std::uint64_t request_id = 0;
    std::int64_t kept_at_ms = 0;  // Unix time when it was appended
    std::string request;          // a finished wire Message (Request)
  };

  // Opens (creating it if needed) the outbox in `directory`, waiting up to `lock_wait` for another
  // process to close it. `fresh_client_id` becomes the outbox's client id if it has none yet.
  // Errors (French, status unavailable): the directory cannot be created or read, or another
  // process keeps it locked.
  static Result<Outbox> open(const std::filesystem::path& directory, const std::string& fresh_client_id,
                             std::chrono::milliseconds lock_wait = std::chrono::seconds(10));

  Outbox(Outbox&& other) noexcept;
  Outbox& operator=(Outbox&& other) noexcept;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  ~Outbox();

  const std::filesystem::path& directory() const { return directory_; }
  std::filesystem::path rejected_directory() const { return directory_ / "rejected"; }
  const std::string& client_id() const { return client_id_; }

  // A request id this outbox never gave before: above every id it kept and the clock in µs.
  std::uint64_t next_request_id();

  // Appends requests (finished wire Messages holding a Request) in order; durable on success.
  // Error (storage_error): nothing is guaranteed kept — tell the person so.
  Result<void> append(std::span<const std::string> requests);
  Result<void> append(const std::string& request) { return append(std::span(&request, 1)); }

  // The entries not settled yet, oldest first.
  const std::deque<Entry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // Removes the first `count` entries (acknowledged, or already set aside).
  Result<void> settle(std::size_t count);

  // Sets the first entry aside in rejected/ with `reason` (French) beside it, then settles it.
  // Returns the path of the kept request.
  Result<std::filesystem::path> reject_front(std::string_view reason);

  // How many requests wait in rejected/ for a person to look at.
  std::size_t rejected_count() const;

  // Bytes of a torn last entry cut off by open() (0 when the last append finished).
  std::uint64_t recovered_bytes() const { return recovered_bytes_; }

 private:
  Outbox() = default;
  Result<void> load();
  Result<void> write_cursor(bool durable);
  Result<void> compact();
  std::filesystem::path queue_path(std::uint64_t generation) const;
  void close();

  std::filesystem::path directory_;
  std::string client_id_;
  int lock_fd_ = -1;
  int queue_fd_ = -1;
  std::uint64_t generation_ = 1;
  std::uint64_t settled_offset_ = 0;  // bytes of queue.<generation> already settled
  std::uint64_t end_offset_ = 0;      // bytes of queue.<generation> holding whole entries
  std::uint64_t highest_request_id_ = 0;
  std::uint64_t recovered_bytes_ = 0;
  std::deque<Entry> entries_;
  std::deque<std::uint64_t> entry_sizes_;  // framed size of each entry, to move settled_offset_
};

// Where an outbox lives by default: $XDG_STATE_HOME/dispo/<name>, else ~/.local/state/dispo/<name>
// (else ./.dispo-<name> when there is no home).
std::filesystem::path default_outbox_directory(std::string_view name);

}  // namespace dispo::publishers
