// The data directory's format version: what lets a newer broker open an older directory
// (migrating it) and an older broker refuse a newer one instead of misreading it.
//
// Kept in the `meta` column family under "format_version" (big-endian). A directory without the
// key was written by dispo 0.1.0, before the key existed: format 1. Store::open calls both
// functions below; nothing else needs them.
//
// To change the format: bump kDataFormatVersion, add the step from the previous version to
// `migrate()` in data_format.cc, and commit a fixture written by the previous release under
// tests/broker/fixtures/ (data_format_test opens it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dispo/schemas/result.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace dispo::broker {

inline constexpr std::uint64_t kDataFormatVersion = 1;
inline constexpr const char* kFormatVersionKey = "format_version";

// Before opening: a directory with a column family this broker does not know was written by a
// newer broker. Refused in French, with the directory's version (read without writing anything).
// A directory with no database yet passes.
Result<void> check_column_families(const std::filesystem::path& directory,
                                   const std::vector<std::string>& known_families);

// After opening, before anything else is written: reads the version (1 when absent); a newer one
// is refused (French message, nothing written); an older one is migrated step by step; then the
// current version is recorded (synced).
Result<void> settle_data_format(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta,
                                const std::filesystem::path& directory);

}  // namespace dispo::broker
