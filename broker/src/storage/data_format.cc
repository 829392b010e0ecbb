#include "data_format.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <memory>

#include "model/logger.h"
#include "store.h"

namespace dispo::broker {
namespace {

Error newer_format(const std::filesystem::path& directory, std::uint64_t version) {
  return make_error(wire::Status::storage_error,
                    "le répertoire de données " + directory.string() + " est au format " +
                        (version == 0 ? std::string("d'une version plus récente") : std::to_string(version)) +
                        ", plus récent que ce broker (format " + std::to_string(kDataFormatVersion) +
                        ") : il a été écrit par une version plus récente de dispo-broker. Installez "
                        "cette version (ou restaurez une sauvegarde faite avant la mise à jour) ; "
                        "rien n'a été modifié");
}

std::uint64_t stored_version(const std::string& bytes) {
  return bytes.size() == 8 ? from_big_endian(bytes) : 0;
}

// The step from format `from` to `from + 1`. None yet: format 1 is the first.
Result<void> migrate_step(rocksdb::DB&, std::uint64_t from) {
  return make_error(wire::Status::storage_error,
                    "aucune migration connue depuis le format de données " + std::to_string(from));
}

}  // namespace

Result<void> check_column_families(const std::filesystem::path& directory,
                                   const std::vector<std::string>& known_families) {
  std::vector<std::string> families;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), directory.string(), &families).ok()) {
    return {};  // no database yet (or unreadable: DB::Open says why)
  }
  const bool all_known = std::all_of(families.begin(), families.end(), [&](const std::string& name) {
    return std::find(known_families.begin(), known_families.end(), name) != known_families.end();
  });
  if (all_known) return {};
  // Read the version for the message, read-only (no lock taken, nothing written).
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : families) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  std::uint64_t version = 0;
  if (rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), directory.string(), descriptors, &handles, &raw).ok()) {
    std::unique_ptr<rocksdb::DB> db(raw);
    const auto meta = std::find(families.begin(), families.end(), "meta") - families.begin();
    std::string bytes;
    if (static_cast<std::size_t>(meta) < handles.size() &&
        db->Get(rocksdb::ReadOptions(), handles[meta], kFormatVersionKey, &bytes).ok()) {
      version = stored_version(bytes);
    }
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  return newer_format(directory, version);
}

Result<void> settle_data_format(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta,
                                const std::filesystem::path& directory) {
  std::string bytes;
  const auto status = db.Get(rocksdb::ReadOptions(), meta, kFormatVersionKey, &bytes);
  if (!status.ok() && !status.IsNotFound()) {
    return make_error(wire::Status::storage_error, "cannot read the data format: " + status.ToString());
  }
  const std::uint64_t version = status.IsNotFound() ? 1 : stored_version(bytes);
  if (version > kDataFormatVersion || version == 0) return newer_format(directory, version);
  if (version == kDataFormatVersion && !status.IsNotFound()) return {};
  if (version < kDataFormatVersion) {
    logger()->info("data directory {}: migrating from format {} to {}", directory.string(), version,
                   kDataFormatVersion);
  }
  for (std::uint64_t from = version; from < kDataFormatVersion; ++from) {
    if (auto migrated = migrate_step(db, from); !migrated) return migrated.error();
  }
  rocksdb::WriteOptions synced;
  synced.sync = true;
  const auto written = db.Put(synced, meta, kFormatVersionKey, big_endian(kDataFormatVersion));
  if (!written.ok()) {
    return make_error(wire::Status::storage_error, "cannot record the data format: " + written.ToString());
  }
  return {};
}

}  // namespace dispo::broker
