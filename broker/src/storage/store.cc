#include "store.h"

#include <algorithm>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "data_format.h"

namespace dispo::broker {
namespace {

constexpr const char* kFacilities = "facilities";
constexpr const char* kAvailability = "availability";
constexpr const char* kEvents = "events";
constexpr const char* kReplies = "replies";
constexpr const char* kMeta = "meta";
constexpr const char* kPrincipals = "principals";
constexpr const char* kWorkflow = "workflow";
constexpr const char* kAlerts = "alerts";
constexpr const char* kLastSequenceKey = "last_sequence";
constexpr const char* kCheckedUntilKey = "checked_until";
constexpr const char* kSubscriptionCounterKey = "subscription_counter";
constexpr const char* kMemberApiPrefix = "member_api/";
constexpr const char* kReplicatedIndexKey = "replicated_index";
constexpr std::string_view kAlertAckPrefix = "alert_ack/";
constexpr std::string_view kRequestPrefix = "request/";
constexpr std::string_view kHoldPrefix = "hold/";
constexpr std::string_view kSubscriptionPrefix = "subscription/";
constexpr std::string_view kTerritoryPrefix = "territory/";

Error storage_error(const std::string& what, const rocksdb::Status& status) {
  return make_error(wire::Status::storage_error, what + ": " + status.ToString());
}

rocksdb::Slice slice(std::string_view bytes) { return {bytes.data(), bytes.size()}; }

std::string unit_key(std::string_view facility_id, std::string_view unit_id) {
  std::string key;
  key.reserve(facility_id.size() + 1 + unit_id.size());
  key.append(facility_id).push_back('\0');
  key.append(unit_id);
  return key;
}

std::string reply_prefix(std::string_view client_id) {
  std::string key(client_id);
  key.push_back('\0');
  return key;
}

// Serialises an object-API table as a standalone FlatBuffer.
template <typename NativeT>
std::string pack_table(const NativeT& native) {
  flatbuffers::FlatBufferBuilder builder(128);
  builder.Finish(NativeT::TableType::Pack(builder, &native));
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

// Verifies and unpacks a standalone FlatBuffer written by pack_table.
template <typename TableT>
std::optional<typename TableT::NativeTableType> unpack_table(const rocksdb::Slice& value) {
  std::unique_ptr<std::uint64_t[]> copy;
  const std::string_view bytes = wire::aligned({value.data(), value.size()}, copy);
  flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
                                 wire::kMaxDepth, wire::kMaxTables);
  if (!verifier.VerifyBuffer<TableT>(nullptr)) return std::nullopt;
  typename TableT::NativeTableType native;
  flatbuffers::GetRoot<TableT>(bytes.data())->UnPackTo(&native);
  return native;
}

// Memory is bounded: one shared block cache and small memtables (the broker's working set is
// in its own index; RocksDB mostly absorbs appends to the event log).
rocksdb::ColumnFamilyOptions family_options(const std::shared_ptr<rocksdb::Cache>& cache,
                                            std::size_t write_buffer, bool point_lookups) {
  rocksdb::ColumnFamilyOptions options;
  options.write_buffer_size = write_buffer;
  options.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (point_lookups) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

std::string big_endian(std::uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

std::uint64_t from_big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  }
  return value;
}

// ---------------------------------------------------------------- Batch

Store::Batch::Batch() : batch_(std::make_unique<rocksdb::WriteBatch>()) {}
Store::Batch::~Batch() = default;
Store::Batch::Batch(Batch&&) noexcept = default;
Store::Batch& Store::Batch::operator=(Batch&&) noexcept = default;

void Store::Batch::put_facility(const wire::FacilityT& facility) {
  batch_->Put(store_->facilities_, slice(facility.id), pack_table(facility));
}

void Store::Batch::put_availability(std::string_view facility_id, std::string_view unit_id,
                                    const wire::AvailabilityT& availability) {
  batch_->Put(store_->availability_, unit_key(facility_id, unit_id), pack_table(availability));
}

void Store::Batch::delete_availability(std::string_view facility_id, std::string_view unit_id) {
  batch_->Delete(store_->availability_, unit_key(facility_id, unit_id));
}

void Store::Batch::append_event(std::uint64_t sequence, std::string_view message) {
  batch_->Put(store_->events_, big_endian(sequence), slice(message));
}

void Store::Batch::put_reply(std::string_view client_id, std::uint64_t request_id,
                             std::string_view message) {
  batch_->Put(store_->replies_, reply_prefix(client_id) + big_endian(request_id), slice(message));
}

void Store::Batch::set_last_sequence(std::uint64_t sequence) {
  batch_->Put(store_->meta_, kLastSequenceKey, big_endian(sequence));
}

void Store::Batch::set_territory_sequence(std::string_view territory, std::uint64_t sequence) {
  batch_->Put(store_->meta_, std::string(kTerritoryPrefix) + std::string(territory), big_endian(sequence));
}

void Store::Batch::put_principal(const wire::PrincipalT& principal) {
  batch_->Put(store_->principals_, slice(principal.name), pack_table(principal));
}

void Store::Batch::put_request(const wire::PlacementRequestT& request) {
  batch_->Put(store_->workflow_, std::string(kRequestPrefix) + request.id, pack_table(request));
}

void Store::Batch::put_hold(const wire::HoldT& hold) {
  batch_->Put(store_->workflow_, std::string(kHoldPrefix) + hold.id, pack_table(hold));
}

void Store::Batch::put_subscription(const wire::SubscriptionT& subscription) {
  batch_->Put(store_->workflow_, std::string(kSubscriptionPrefix) + subscription.id,
              pack_table(subscription));
}

void Store::Batch::delete_subscription(std::string_view id) {
  batch_->Delete(store_->workflow_, std::string(kSubscriptionPrefix) + std::string(id));
}

void Store::Batch::put_alert(std::string_view owner, const wire::AlertT& alert) {
  batch_->Put(store_->alerts_, reply_prefix(owner) + big_endian(alert.number), pack_table(alert));
}

void Store::Batch::set_alert_acknowledged(std::string_view owner, std::uint64_t upto) {
  batch_->Put(store_->meta_, std::string(kAlertAckPrefix) + std::string(owner), big_endian(upto));
}

void Store::Batch::set_checked_until(std::int64_t ms) {
  batch_->Put(store_->meta_, kCheckedUntilKey, big_endian(static_cast<std::uint64_t>(ms)));
}

void Store::Batch::set_subscription_counter(std::uint64_t number) {
  batch_->Put(store_->meta_, kSubscriptionCounterKey, big_endian(number));
}

void Store::Batch::put_member_api(std::uint64_t member, std::string_view endpoint) {
  batch_->Put(store_->meta_, kMemberApiPrefix + std::to_string(member),
              rocksdb::Slice(endpoint.data(), endpoint.size()));
}

bool Store::Batch::empty() const { return batch_->Count() == 0; }
void Store::Batch::clear() { batch_->Clear(); }
std::string Store::Batch::data() const { return batch_->Data(); }

// ---------------------------------------------------------------- Store

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return make_error(wire::Status::storage_error,
                      "cannot create data directory " + directory.string() + ": " + ec.message());
  }
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  options.bytes_per_sync = 1 << 20;
  options.keep_log_file_num = 5;

  options.db_write_buffer_size = 64u << 20;
  const auto cache = rocksdb::NewLRUCache(32u << 20);
  constexpr std::size_t kMiB = 1u << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, family_options(cache, 1 * kMiB, false)},
      {kFacilities, family_options(cache, 4 * kMiB, false)},
      {kAvailability, family_options(cache, 8 * kMiB, false)},
      {kEvents, family_options(cache, 32 * kMiB, false)},
      {kReplies, family_options(cache, 16 * kMiB, true)},
      {kMeta, family_options(cache, 1 * kMiB, false)},
      {kPrincipals, family_options(cache, 1 * kMiB, false)},
      {kWorkflow, family_options(cache, 2 * kMiB, false)},
      {kAlerts, family_options(cache, 4 * kMiB, false)},
  };
  std::vector<std::string> family_names;
  for (const auto& family : families) family_names.push_back(family.name);
  if (auto known = check_column_families(directory, family_names); !known) return known.error();
  std::unique_ptr<Store> store(new Store());
  rocksdb::DB* raw = nullptr;
  auto status = rocksdb::DB::Open(options, directory.string(), families, &store->handles_, &raw);
  if (!status.ok()) return storage_error("cannot open RocksDB in " + directory.string(), status);
  store->db_.reset(raw);
  store->facilities_ = store->handles_[1];
  store->availability_ = store->handles_[2];
  store->events_ = store->handles_[3];
  store->replies_ = store->handles_[4];
  store->meta_ = store->handles_[5];
  store->principals_ = store->handles_[6];
  store->workflow_ = store->handles_[7];
  store->alerts_ = store->handles_[8];
  if (auto format = settle_data_format(*store->db_, store->meta_, directory); !format) return format.error();
  return store;
}

Result<std::uint64_t> Store::last_sequence_in(const std::filesystem::path& directory) {
  // Writes not even RocksDB's own LOG file there: a backup stays byte for byte as it was.
  class SilentLogger : public rocksdb::Logger {
   public:
    using rocksdb::Logger::Logv;
    void Logv(const char*, va_list) override {}
  };
  rocksdb::DBOptions options;
  options.info_log = std::make_shared<SilentLogger>();
  std::vector<std::string> names;
  auto status = rocksdb::DB::ListColumnFamilies(options, directory.string(), &names);
  if (!status.ok()) return storage_error("no dispo database in " + directory.string(), status);
  if (std::find(names.begin(), names.end(), kMeta) == names.end()) {
    return make_error(wire::Status::storage_error, "no dispo database in " + directory.string());
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  status = rocksdb::DB::OpenForReadOnly(options, directory.string(), families, &handles, &raw);
  if (!status.ok()) return storage_error("cannot read RocksDB in " + directory.string(), status);
  std::unique_ptr<rocksdb::DB> db(raw);
  const auto meta = std::find(names.begin(), names.end(), kMeta) - names.begin();
  std::string value;
  status = db->Get({}, handles[meta], kLastSequenceKey, &value);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();  // closing
  if (status.IsNotFound()) return std::uint64_t{0};
  if (!status.ok()) return storage_error("cannot read the last sequence", status);
  return from_big_endian(value);
}

Store::~Store() {
  if (!db_) return;
  for (auto* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();  // closing: nothing to do
  }
  db_->Close().PermitUncheckedError();
}

Store::Batch Store::batch() const {
  Batch batch;
  batch.store_ = this;
  return batch;
}

Result<void> Store::commit(Batch& batch) {
  rocksdb::WriteOptions options;
  options.sync = true;
  auto status = db_->Write(options, batch.batch_.get());
  if (!status.ok()) {
    last_write_failure_ = status.IsNoSpace() ? WriteFailure::no_space : WriteFailure::io_error;
    return storage_error("write failed, nothing was applied", status);
  }
  last_write_failure_ = WriteFailure::none;
  batch.clear();
  return {};
}

Result<void> Store::apply_replicated(std::string_view data, std::uint64_t index) {
  auto applied = replicated_index();
  if (!applied) return applied.error();
  if (index <= *applied) return {};
  if (data.size() < 12)
    return make_error(wire::Status::storage_error, "a replicated batch of " + std::to_string(data.size()) +
                                                       " bytes is no batch");
  rocksdb::WriteBatch batch{std::string(data)};
  // RocksDB trusts a batch's header when writing it (a wrong count would only be found when the
  // WAL is replayed): every record is read and counted first. Only what Batch writes is accepted.
  struct Records : rocksdb::WriteBatch::Handler {
    std::uint32_t count = 0;
    rocksdb::Status PutCF(std::uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
      ++count;
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(std::uint32_t, const rocksdb::Slice&) override {
      ++count;
      return rocksdb::Status::OK();
    }
  } records;
  if (auto read = batch.Iterate(&records); !read.ok() || records.count != batch.Count())
    return make_error(wire::Status::storage_error, "a replicated batch is corrupt (" +
                                                       (read.ok() ? std::string("wrong record count")
                                                                  : read.ToString()) +
                                                       "); nothing was written");
  batch.Put(meta_, kReplicatedIndexKey, big_endian(index));
  // Not synced: the entry is on a majority's Raft logs (fsynced by libraft) before anyone is
  // answered, and what an OS crash takes from this store's WAL tail comes back from there — the
  // entries above replicated_index() are applied again, or the snapshot restored. A kill -9 takes
  // nothing (the WAL is written to the kernel). See the broker README for the figures.
  rocksdb::WriteOptions options;
  auto status = db_->Write(options, &batch);
  if (!status.ok()) return storage_error("replicated write failed, nothing was applied", status);
  return {};
}

Result<std::uint64_t> Store::replicated_index() const {
  std::string value;
  auto status = db_->Get({}, meta_, kReplicatedIndexKey, &value);
  if (status.IsNotFound()) return std::uint64_t{0};
  if (!status.ok()) return storage_error("cannot read the replicated index", status);
  return from_big_endian(value);
}

Result<void> Store::resume() {
  auto status = db_->Resume();
  if (!status.ok()) return storage_error("cannot resume writes", status);
  return {};
}

Result<void> Store::load(AvailabilityIndex& index) const {
  index.clear();
  std::unique_ptr<rocksdb::Iterator> facilities(db_->NewIterator({}, facilities_));
  for (facilities->SeekToFirst(); facilities->Valid(); facilities->Next()) {
    auto facility = unpack_table<wire::Facility>(facilities->value());
    if (!facility) {
      return make_error(wire::Status::storage_error,
                        "corrupt facility record " + facilities->key().ToString());
    }
    FacilityRecord record;
    for (auto& unit : facility->units) {
      UnitRecord unit_record;
      unit_record.unit = *unit;
      unit_record.availability.installed = unit->installed;
      record.units.push_back(std::move(unit_record));
    }
    facility->units.clear();
    record.facility = std::move(*facility);
    index.put(std::move(record));
  }
  if (!facilities->status().ok()) return storage_error("cannot read facilities", facilities->status());

  std::unique_ptr<rocksdb::Iterator> units(db_->NewIterator({}, availability_));
  for (units->SeekToFirst(); units->Valid(); units->Next()) {
    const std::string_view key(units->key().data(), units->key().size());
    const auto separator = key.find('\0');
    if (separator == std::string_view::npos) continue;
    FacilityRecord* facility = index.facility(key.substr(0, separator));
    UnitRecord* unit = facility ? facility->unit(key.substr(separator + 1)) : nullptr;
    if (unit == nullptr) continue;  // availability of a unit no longer registered
    auto availability = unpack_table<wire::Availability>(units->value());
    if (!availability) {
      return make_error(wire::Status::storage_error, "corrupt availability record");
    }
    unit->availability = std::move(*availability);
  }
  if (!units->status().ok()) return storage_error("cannot read availability", units->status());
  return {};
}

Result<void> Store::load_principals(Principals& principals) const {
  principals = Principals();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, principals_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto principal = unpack_table<wire::Principal>(it->value());
    if (!principal) {
      return make_error(wire::Status::storage_error, "corrupt principal record " + it->key().ToString());
    }
    principals.put(std::move(*principal));
  }
  if (!it->status().ok()) return storage_error("cannot read principals", it->status());
  return {};
}

namespace {

// Calls `visit(key without prefix, value)` for each key of `family` starting with `prefix`.
template <typename Visit>
rocksdb::Status scan_prefix(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                            std::string_view prefix, Visit visit) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator({}, family));
  for (it->Seek(slice(prefix)); it->Valid() && it->key().starts_with(slice(prefix)); it->Next()) {
    if (!visit(std::string_view(it->key().data() + prefix.size(), it->key().size() - prefix.size()),
               it->value())) {
      break;
    }
  }
  return it->status();
}

}  // namespace

Result<void> Store::load_workflow(Workflow& workflow) const {
  workflow.clear();
  bool corrupt = false;
  auto status = scan_prefix(*db_, workflow_, kRequestPrefix, [&](std::string_view, const rocksdb::Slice& value) {
    auto request = unpack_table<wire::PlacementRequest>(value);
    if (!request) return !(corrupt = true);
    if (is_pending(*request)) workflow.open_by_child[request->child_ref] = request->id;
    std::string id = request->id;  // copied first: the key must not see a moved-from id
    workflow.requests.insert_or_assign(std::move(id), std::move(*request));
    return true;
  });
  if (status.ok() && !corrupt) {
    status = scan_prefix(*db_, workflow_, kHoldPrefix, [&](std::string_view, const rocksdb::Slice& value) {
      auto hold = unpack_table<wire::Hold>(value);
      if (!hold) return !(corrupt = true);
      if (hold->state == wire::HoldState::active) {
        std::string id = hold->id;
        workflow.holds.insert_or_assign(std::move(id), std::move(*hold));
      }
      return true;
    });
  }
  if (status.ok() && !corrupt) {
    status = scan_prefix(*db_, workflow_, kSubscriptionPrefix, [&](std::string_view, const rocksdb::Slice& value) {
      auto subscription = unpack_table<wire::Subscription>(value);
      if (!subscription) return !(corrupt = true);
      std::string id = subscription->id;
      workflow.subscriptions.insert_or_assign(std::move(id), std::move(*subscription));
      return true;
    });
  }
  if (!status.ok()) return storage_error("cannot read the workflow", status);
  if (corrupt) return make_error(wire::Status::storage_error, "corrupt workflow record");

  status = scan_prefix(*db_, meta_, kAlertAckPrefix, [&](std::string_view owner, const rocksdb::Slice& value) {
    workflow.alert_cursors[std::string(owner)].acknowledged = from_big_endian({value.data(), value.size()});
    return true;
  });
  if (!status.ok()) return storage_error("cannot read alert cursors", status);
  // Each owner's last alert: its greatest key (owner \0 number); jump from owner to owner.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, alerts_));
  for (it->SeekToLast(); it->Valid();) {
    const std::string_view key(it->key().data(), it->key().size());
    const auto separator = key.find('\0');
    if (separator == std::string_view::npos || key.size() != separator + 9) {
      return make_error(wire::Status::storage_error, "corrupt alert key");
    }
    const std::string owner(key.substr(0, separator));
    workflow.alert_cursors[owner].last = from_big_endian(key.substr(separator + 1));
    it->SeekForPrev(reply_prefix(owner));  // the greatest key before this owner's first
  }
  if (!it->status().ok()) return storage_error("cannot read alerts", it->status());

  std::string value;
  status = db_->Get({}, meta_, kCheckedUntilKey, &value);
  if (status.ok()) {
    workflow.checked_until_ms = static_cast<std::int64_t>(from_big_endian(value));
  } else if (!status.IsNotFound()) {
    return storage_error("cannot read checked_until", status);
  }
  return {};
}

Result<std::vector<wire::AlertT>> Store::alerts(std::string_view owner, std::uint64_t after,
                                                std::size_t limit) const {
  std::vector<wire::AlertT> alerts;
  const std::string prefix = reply_prefix(owner);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, alerts_));
  for (it->Seek(prefix + big_endian(after + 1));
       it->Valid() && it->key().starts_with(prefix) && alerts.size() < limit; it->Next()) {
    auto alert = unpack_table<wire::Alert>(it->value());
    if (!alert) return make_error(wire::Status::storage_error, "corrupt alert record");
    alerts.push_back(std::move(*alert));
  }
  if (!it->status().ok()) return storage_error("cannot read alerts", it->status());
  return alerts;
}

Result<std::uint64_t> Store::subscription_counter() const {
  std::string value;
  const auto status = db_->Get({}, meta_, kSubscriptionCounterKey, &value);
  if (status.IsNotFound()) return std::uint64_t{0};
  if (!status.ok()) return storage_error("cannot read the subscription counter", status);
  return from_big_endian(value);
}

Result<std::string> Store::member_api(std::uint64_t member) const {
  std::string value;
  const auto status = db_->Get({}, meta_, kMemberApiPrefix + std::to_string(member), &value);
  if (status.IsNotFound()) return std::string{};
  if (!status.ok()) return storage_error("cannot read a cluster member's api endpoint", status);
  return value;
}

Result<std::map<std::string, std::uint64_t, std::less<>>> Store::territory_sequences() const {
  std::map<std::string, std::uint64_t, std::less<>> sequences;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, meta_));
  for (it->Seek(slice(kTerritoryPrefix)); it->Valid() && it->key().starts_with(slice(kTerritoryPrefix));
       it->Next()) {
    sequences[it->key().ToString().substr(kTerritoryPrefix.size())] =
        from_big_endian({it->value().data(), it->value().size()});
  }
  if (!it->status().ok()) return storage_error("cannot read territory sequences", it->status());
  return sequences;
}

Result<std::uint64_t> Store::last_sequence() const {
  std::string value;
  auto status = db_->Get({}, meta_, kLastSequenceKey, &value);
  if (status.IsNotFound()) return std::uint64_t{0};
  if (!status.ok()) return storage_error("cannot read the last sequence", status);
  return from_big_endian(value);
}

Result<std::optional<wire::HoldT>> Store::hold(std::string_view id) const {
  std::string value;
  auto status = db_->Get({}, workflow_, std::string(kHoldPrefix) + std::string(id), &value);
  if (status.IsNotFound()) return std::optional<wire::HoldT>();
  if (!status.ok()) return storage_error("cannot read a stored hold", status);
  auto hold = unpack_table<wire::Hold>(value);
  if (!hold) return storage_error("a stored hold is unreadable", rocksdb::Status::Corruption(std::string(id)));
  return hold;
}

Result<std::optional<std::string>> Store::reply(std::string_view client_id,
                                                std::uint64_t request_id) const {
  std::string value;
  auto status = db_->Get({}, replies_, reply_prefix(client_id) + big_endian(request_id), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return storage_error("cannot read a stored reply", status);
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<std::uint64_t>> Store::last_request_id(std::string_view client_id) const {
  const std::string prefix = reply_prefix(client_id);
  const std::string upper = prefix + std::string(8, '\xff');
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, replies_));
  it->SeekForPrev(upper);
  if (!it->status().ok()) return storage_error("cannot read stored replies", it->status());
  if (!it->Valid() || !it->key().starts_with(prefix) || it->key().size() != prefix.size() + 8) {
    return std::optional<std::uint64_t>();
  }
  return std::optional<std::uint64_t>(
      from_big_endian(std::string_view(it->key().data() + prefix.size(), 8)));
}

Result<void> Store::for_each_event(
    std::uint64_t from, const std::function<bool(std::uint64_t, std::string_view)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, events_));
  for (it->Seek(big_endian(from)); it->Valid(); it->Next()) {
    const auto key = it->key();
    if (!visit(from_big_endian({key.data(), key.size()}), {it->value().data(), it->value().size()})) {
      break;
    }
  }
  if (!it->status().ok()) return storage_error("cannot read the event log", it->status());
  return {};
}

Result<void> Store::checkpoint(const std::filesystem::path& directory) const {
  rocksdb::Checkpoint* raw = nullptr;
  auto status = rocksdb::Checkpoint::Create(db_.get(), &raw);
  if (!status.ok()) return storage_error("cannot prepare a checkpoint", status);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  status = checkpoint->CreateCheckpoint(directory.string());
  if (!status.ok()) return storage_error("cannot write the checkpoint", status);
  return {};
}

std::vector<Store::FamilySize> Store::sizes() const {
  std::vector<FamilySize> sizes;
  for (auto* handle : handles_) {
    FamilySize size{handle->GetName()};
    db_->GetIntProperty(handle, rocksdb::DB::Properties::kTotalSstFilesSize, &size.sst_bytes);
    db_->GetIntProperty(handle, rocksdb::DB::Properties::kCurSizeAllMemTables, &size.memtable_bytes);
    sizes.push_back(std::move(size));
  }
  return sizes;
}

}  // namespace dispo::broker
