// Store::image and Store::restore_image: the whole store as bytes, for a cluster's Raft snapshots
// (server/cluster.h). A logical image rather than a RocksDB checkpoint's files: it goes through
// libraft's snapshot API (one buffer, written and sent by libraft), it is independent of RocksDB's
// file layout and options, and it is restored into the open store in one atomic write.
//
// Format (lengths little endian):
//   "dispo-image/1\n"
//   u8 family count, then per family: u8 name length, name        (RocksDB column families)
//   records: u8 family number, u32 key length, key, u32 value length, value
//   u8 0xff, u64 record count                                     (a truncated image is refused)
#include "store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace dispo::broker {
namespace {

constexpr std::string_view kMagic = "dispo-image/1\n";
constexpr unsigned char kEnd = 0xff;

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int k = 0; k < bytes; ++k) out.push_back(static_cast<char>(value >> (8 * k)));
}

Error storage_error(const std::string& what, const rocksdb::Status& status) {
  return make_error(wire::Status::storage_error, what + ": " + status.ToString());
}

Error not_an_image(const std::string& why) {
  return make_error(wire::Status::storage_error, "not a store image (" + why + "); nothing was restored");
}

// Reads an image front to back; every read checks the bytes are there.
class ImageReader {
 public:
  explicit ImageReader(std::string_view bytes) : rest_(bytes) {}
  bool take(std::size_t count, std::string_view& out) {
    if (rest_.size() < count) return false;
    out = rest_.substr(0, count);
    rest_.remove_prefix(count);
    return true;
  }
  bool number(int bytes, std::uint64_t& out) {
    std::string_view raw;
    if (!take(static_cast<std::size_t>(bytes), raw)) return false;
    out = 0;
    for (int k = 0; k < bytes; ++k) out |= static_cast<std::uint64_t>(static_cast<unsigned char>(raw[k])) << (8 * k);
    return true;
  }
  bool sized(std::string_view& out) {
    std::uint64_t length = 0;
    return number(4, length) && take(length, out);
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// The image's families, in its numbering; then visit(family name, key, value) for every record.
template <typename Visit>
Result<void> read_image(std::string_view image, Visit&& visit) {
  ImageReader reader(image);
  std::string_view magic;
  if (!reader.take(kMagic.size(), magic) || magic != kMagic) return not_an_image("no header");
  std::uint64_t families = 0;
  if (!reader.number(1, families)) return not_an_image("truncated");
  std::vector<std::string_view> names;
  for (std::uint64_t f = 0; f < families; ++f) {
    std::uint64_t length = 0;
    std::string_view name;
    if (!reader.number(1, length) || !reader.take(length, name)) return not_an_image("truncated");
    names.push_back(name);
  }
  std::uint64_t records = 0;
  for (;;) {
    std::uint64_t family = 0;
    if (!reader.number(1, family)) return not_an_image("truncated");
    if (family == kEnd) break;
    if (family >= names.size()) return not_an_image("a record of an unknown family");
    std::string_view key;
    std::string_view value;
    if (!reader.sized(key) || !reader.sized(value)) return not_an_image("truncated");
    if (auto visited = visit(names[family], key, value); !visited) return visited;
    ++records;
  }
  std::uint64_t count = 0;
  if (!reader.number(8, count) || !reader.done()) return not_an_image("truncated");
  if (count != records)
    return not_an_image(std::to_string(records) + " records where it says " + std::to_string(count));
  return {};
}

}  // namespace

Result<std::string> Store::image() const {
  std::string out(kMagic);
  put_le(out, handles_.size(), 1);
  for (const auto* handle : handles_) {
    put_le(out, handle->GetName().size(), 1);
    out += handle->GetName();
  }
  const rocksdb::Snapshot* view = db_->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = view;
  read.fill_cache = false;
  std::uint64_t records = 0;
  Result<void> outcome;
  for (std::size_t family = 0; family < handles_.size() && outcome; ++family) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, handles_[family]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      put_le(out, family, 1);
      put_le(out, it->key().size(), 4);
      out.append(it->key().data(), it->key().size());
      put_le(out, it->value().size(), 4);
      out.append(it->value().data(), it->value().size());
      ++records;
    }
    if (!it->status().ok()) outcome = storage_error("cannot read the store for its image", it->status());
  }
  db_->ReleaseSnapshot(view);
  if (!outcome) return outcome.error();
  out.push_back(static_cast<char>(kEnd));
  put_le(out, records, 8);
  return out;
}

Result<std::uint64_t> Store::replicated_index_of_image(std::string_view image) {
  std::uint64_t index = 0;
  auto read = read_image(image, [&](std::string_view family, std::string_view key,
                                    std::string_view value) -> Result<void> {
    if (family == "meta" && key == "replicated_index") index = from_big_endian(value);
    return {};
  });
  if (!read) return read.error();
  return index;
}

Result<void> Store::restore_image(std::string_view image) {
  rocksdb::WriteBatch batch;
  // Everything there now goes; the image's records, later in the same batch, win over the deletes.
  for (auto* handle : handles_) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) batch.Delete(handle, it->key());
    if (!it->status().ok()) return storage_error("cannot read the store before restoring an image", it->status());
  }
  auto read = read_image(image, [&](std::string_view family, std::string_view key,
                                    std::string_view value) -> Result<void> {
    for (auto* handle : handles_) {
      if (handle->GetName() == family) {
        batch.Put(handle, rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size()));
        return {};
      }
    }
    return not_an_image("a family this broker does not have: " + std::string(family));
  });
  if (!read) return read.error();
  rocksdb::WriteOptions options;
  options.sync = true;
  auto status = db_->Write(options, &batch);
  if (!status.ok()) return storage_error("restoring an image failed, nothing was changed", status);
  return {};
}

}  // namespace dispo::broker
