// Store: the broker's durable state in RocksDB (the source of truth; DESIGN.md §4).
//
// Column families:
//   facilities    facility_id                      -> Facility (FlatBuffer, units included)
//   availability  facility_id \0 unit_id           -> Availability (FlatBuffer)
//   events        big-endian sequence (8 bytes)    -> Message{FeedEvent}, append-only log
//   replies       client_id \0 big-endian req. id  -> Message{Reply}, for idempotent retries
//   meta          "last_sequence"                  -> big-endian sequence
//                 "territory/" territory           -> big-endian sequence of its last event
//   principals    name                             -> Principal (FlatBuffer)
//   workflow      "request/" id                    -> PlacementRequest (FlatBuffer)
//                 "hold/" id                       -> Hold (every hold, ended ones included)
//                 "subscription/" id               -> Subscription
//   alerts        owner \0 big-endian number       -> Alert (per-owner stream, append-only)
//   meta          "alert_ack/" owner               -> big-endian acknowledged alert number
//                 "checked_until"                  -> big-endian Unix ms of time-driven alerts
//                 "subscription_counter"           -> big-endian number of the last "S-<n>" given
//                 "replicated_index"               -> big-endian Raft index of the last batch
//                                                     applied from the replicated log (a cluster)
// Every change goes through one Batch committed atomically with the WAL synced, so an
// acknowledged write survives kill -9 and power loss.
// Thread-safety: a Store is used by the event loop thread only, except checkpoint-style reads
// RocksDB itself allows concurrently. Move-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/availability_index.h"
#include "model/principals.h"
#include "model/workflow.h"
#include "dispo/schemas/result.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace dispo::broker {

// Why the last commit failed, so the broker can tell people "disk full" from "I/O error".
enum class WriteFailure { none, no_space, io_error };

class Store {
 public:
  // The changes of one group commit, written all together or not at all.
  class Batch {
   public:
    Batch();
    ~Batch();
    Batch(Batch&&) noexcept;
    Batch& operator=(Batch&&) noexcept;

    void put_facility(const wire::FacilityT& facility_with_units);
    void put_availability(std::string_view facility_id, std::string_view unit_id,
                          const wire::AvailabilityT& availability);
    void delete_availability(std::string_view facility_id, std::string_view unit_id);
    void append_event(std::uint64_t sequence, std::string_view message);
    void put_reply(std::string_view client_id, std::uint64_t request_id, std::string_view message);
    void set_last_sequence(std::uint64_t sequence);
    void set_territory_sequence(std::string_view territory, std::uint64_t sequence);
    void put_principal(const wire::PrincipalT& principal);
    void put_request(const wire::PlacementRequestT& request);
    void put_hold(const wire::HoldT& hold);
    void put_subscription(const wire::SubscriptionT& subscription);
    void delete_subscription(std::string_view id);
    void put_alert(std::string_view owner, const wire::AlertT& alert);
    void set_alert_acknowledged(std::string_view owner, std::uint64_t upto);
    void set_checked_until(std::int64_t ms);
    void set_subscription_counter(std::uint64_t number);
    // A cluster member's api endpoint as it announced it when it took the lead (cluster.h).
    void put_member_api(std::uint64_t member, std::string_view endpoint);

    bool empty() const;
    void clear();
    // The batch as bytes (RocksDB's WriteBatch representation): what a cluster's leader
    // replicates; every member writes it with Store::apply_replicated.
    std::string data() const;

   private:
    friend class Store;
    std::unique_ptr<rocksdb::WriteBatch> batch_;
    const Store* store_ = nullptr;
  };

  // Opens (creating if needed) the database in `directory`.
  // Errors: storage_error with RocksDB's explanation (e.g. locked by another broker).
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& directory);

  // The last committed sequence of the data directory `directory` (a stopped broker's, or a
  // backup), read without changing anything there. storage_error when it is not a dispo database.
  static Result<std::uint64_t> last_sequence_in(const std::filesystem::path& directory);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Batch batch() const;

  // Writes `batch` atomically with the WAL synced; the batch is cleared on success.
  // On failure nothing was written and last_write_failure() says why; RocksDB may then refuse
  // every write (read-only after a background error) until resume() succeeds.
  Result<void> commit(Batch& batch);
  WriteFailure last_write_failure() const { return last_write_failure_; }

  // A cluster member: writes a batch committed in the replicated log (`data`, from Batch::data on
  // the leader) with its Raft `index`, atomically; not synced (the Raft log is). An index at or below
  // replicated_index() was written already (the log is replayed after a restart) and is skipped.
  // Safe to call from the log's thread while the loop thread reads. storage_error when `data` is
  // not a batch or the write fails (nothing written).
  Result<void> apply_replicated(std::string_view data, std::uint64_t index);
  // The Raft index of the last batch written by apply_replicated (0: none).
  Result<std::uint64_t> replicated_index() const;

  // A cluster's Raft snapshot (store_image.cc): every key of every column family, read from one
  // consistent view, as bytes. Safe from the log's thread while the loop thread reads.
  Result<std::string> image() const;
  // Replaces the whole store with an image taken by image() (on this member or another): one
  // atomic, synced write. storage_error when `image` is not a whole image (nothing changed).
  Result<void> restore_image(std::string_view image);
  // The replicated index an image was taken at, read without restoring it.
  static Result<std::uint64_t> replicated_index_of_image(std::string_view image);

  // Asks RocksDB to leave the read-only state after a write or background error (DB::Resume:
  // flushes memtables to a new WAL). Succeeds at once when there is no error to clear; fails
  // while the cause (e.g. a full disk) is still there. Reads work throughout.
  Result<void> resume();

  // Replaces the contents of `index` with the stored facilities and availability.
  Result<void> load(AvailabilityIndex& index) const;

  // Replaces the contents of `principals` with the stored ones.
  Result<void> load_principals(Principals& principals) const;

  // Replaces `workflow` with the stored requests, active holds, subscriptions and alert cursors.
  Result<void> load_workflow(Workflow& workflow) const;

  // The owner's alerts with number > after, oldest first, at most `limit`.
  Result<std::vector<wire::AlertT>> alerts(std::string_view owner, std::uint64_t after,
                                           std::size_t limit) const;

  // The number of the last subscription id given ("S-<n>"), 0 if none: ids are never reused.
  Result<std::uint64_t> subscription_counter() const;

  // The api endpoint cluster member `member` announced (put_member_api); empty if none.
  Result<std::string> member_api(std::uint64_t member) const;

  // Each territory's last event sequence.
  Result<std::map<std::string, std::uint64_t, std::less<>>> territory_sequences() const;

  // Last committed sequence number (0 for a new database).
  Result<std::uint64_t> last_sequence() const;

  // A hold as last stored (ended ones included), if it ever existed.
  Result<std::optional<wire::HoldT>> hold(std::string_view id) const;

  // The stored reply to (client, request), if that request was applied.
  Result<std::optional<std::string>> reply(std::string_view client_id, std::uint64_t request_id) const;

  // The highest request id applied for this client, if any.
  Result<std::optional<std::uint64_t>> last_request_id(std::string_view client_id) const;

  // Calls `visit(sequence, message)` for each logged event with sequence >= from, in order,
  // until it returns false.
  Result<void> for_each_event(std::uint64_t from,
                              const std::function<bool(std::uint64_t, std::string_view)>& visit) const;

  // Takes a consistent on-disk checkpoint of the database into `directory` (must not exist).
  Result<void> checkpoint(const std::filesystem::path& directory) const;

  // Each column family's SST bytes on disk and memtable bytes in memory (for metrics).
  struct FamilySize {
    std::string name;
    std::uint64_t sst_bytes = 0;
    std::uint64_t memtable_bytes = 0;
  };
  std::vector<FamilySize> sizes() const;

 private:
  Store() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  rocksdb::ColumnFamilyHandle* facilities_ = nullptr;
  rocksdb::ColumnFamilyHandle* availability_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* replies_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* principals_ = nullptr;
  rocksdb::ColumnFamilyHandle* workflow_ = nullptr;
  rocksdb::ColumnFamilyHandle* alerts_ = nullptr;
  WriteFailure last_write_failure_ = WriteFailure::none;
};

// Big-endian encoding so that RocksDB's byte order is numeric order.
std::string big_endian(std::uint64_t value);
std::uint64_t from_big_endian(std::string_view bytes);

}  // namespace dispo::broker
