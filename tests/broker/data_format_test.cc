// The data directory's format version: today's broker opens a directory written by the last
// release (a committed fixture) and records the version; a directory from a newer broker is
// refused with a French message and left as it was.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <filesystem>

#include "storage/data_format.h"
#include "storage/store.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

using dispo::testing::TempDir;

std::filesystem::path copy_fixture(const TempDir& dir) {
  const auto data = dir / "data";
  std::filesystem::copy(DISPO_FIXTURES "/data-format-1", data, std::filesystem::copy_options::recursive);
  return data;
}

// The raw "format_version" of a closed data directory (0 when absent), read without Store.
std::uint64_t raw_format_version(const std::filesystem::path& data) {
  std::vector<std::string> families;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), data.string(), &families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : families) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), data.string(), descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string bytes;
  const auto meta = std::find(families.begin(), families.end(), "meta") - families.begin();
  const bool found = db->Get(rocksdb::ReadOptions(), handles[meta], kFormatVersionKey, &bytes).ok();
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  return found ? from_big_endian(bytes) : 0;
}

// Writes `version` as the directory's format, and optionally a column family of a future format.
void make_newer(const std::filesystem::path& data, std::uint64_t version, bool extra_family) {
  auto store = Store::open(data);
  ASSERT_TRUE(store) << store.error().message;
  store->reset();
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), data.string(), &families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : families) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), data.string(), descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  const auto meta = std::find(families.begin(), families.end(), "meta") - families.begin();
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[meta], kFormatVersionKey, big_endian(version)).ok());
  if (extra_family) {
    rocksdb::ColumnFamilyHandle* created = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "placements_v9", &created).ok());
    handles.push_back(created);
  }
  for (auto* handle : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
}

TEST(DataFormatTest, OpensTheDirectoryOfRelease0_1AndRecordsItsFormat) {
  TempDir dir;
  const auto data = copy_fixture(dir);
  ASSERT_EQ(raw_format_version(data), 0u) << "the fixture predates the format key";

  auto store = Store::open(data);
  ASSERT_TRUE(store) << store.error().message;
  AvailabilityIndex index;
  ASSERT_TRUE((*store)->load(index));
  EXPECT_EQ(index.facilities().size(), 31u);
  EXPECT_EQ(index.unit_count(), 67u);
  const auto* tilleuls = index.facility("590001234");
  ASSERT_NE(tilleuls, nullptr);
  ASSERT_NE(tilleuls->unit("u1"), nullptr);
  EXPECT_EQ(tilleuls->unit("u1")->availability.reserved, 1);
  auto sequence = (*store)->last_sequence();
  ASSERT_TRUE(sequence);
  EXPECT_EQ(*sequence, 37u);
  Workflow workflow;
  ASSERT_TRUE((*store)->load_workflow(workflow));
  const auto* request = workflow.request("R-34");
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->state, wire::RequestState::proposed);
  EXPECT_EQ(workflow.holds.count("H-35"), 1u);
  store->reset();

  EXPECT_EQ(raw_format_version(data), kDataFormatVersion);
  auto again = Store::open(data);  // and once recorded, it opens as is
  ASSERT_TRUE(again) << again.error().message;
}

TEST(DataFormatTest, RefusesADirectoryWrittenByANewerBrokerAndLeavesItAsItWas) {
  TempDir dir;
  const auto data = copy_fixture(dir);
  make_newer(data, kDataFormatVersion + 1, false);

  auto store = Store::open(data);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().status, wire::Status::storage_error);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find("est au format " + std::to_string(kDataFormatVersion + 1)), std::string::npos) << message;
  EXPECT_NE(message.find("plus récent que ce broker"), std::string::npos) << message;
  EXPECT_NE(message.find("rien n'a été modifié"), std::string::npos) << message;
  EXPECT_EQ(raw_format_version(data), kDataFormatVersion + 1) << "the refusal rewrote the version";
}

TEST(DataFormatTest, RefusesANewerDirectoryWithAColumnFamilyItDoesNotKnow) {
  TempDir dir;
  const auto data = copy_fixture(dir);
  make_newer(data, kDataFormatVersion + 2, true);

  auto store = Store::open(data);
  ASSERT_FALSE(store);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find("est au format " + std::to_string(kDataFormatVersion + 2)), std::string::npos) << message;
  EXPECT_EQ(message.find("Invalid argument"), std::string::npos) << "RocksDB's own error leaked: " << message;
}

TEST(DataFormatTest, ANewDirectoryStartsAtTheCurrentFormat) {
  TempDir dir;
  ASSERT_TRUE(Store::open(dir / "fresh"));
  EXPECT_EQ(raw_format_version(dir / "fresh"), kDataFormatVersion);
}

}  // namespace
}  // namespace dispo::broker
