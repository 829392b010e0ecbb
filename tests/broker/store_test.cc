#include "storage/store.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace dispo::broker {
namespace {

wire::FacilityT facility_with_units(const std::string& id, std::initializer_list<const char*> units) {
  wire::FacilityT facility;
  facility.id = id;
  facility.name = "Foyer " + id;
  for (const char* unit_id : units) {
    auto unit = std::make_unique<wire::UnitT>();
    unit->id = unit_id;
    unit->installed = 12;
    facility.units.push_back(std::move(unit));
  }
  return facility;
}

TEST(StoreTest, BigEndianKeysSortNumerically) {
  EXPECT_LT(big_endian(255), big_endian(256));
  EXPECT_LT(big_endian(1), big_endian(1ull << 40));
  EXPECT_EQ(from_big_endian(big_endian(0x0102030405060708ull)), 0x0102030405060708ull);
}

TEST(StoreTest, CommittedStateIsLoadedBackAfterReopening) {
  testing::TempDir dir;
  {
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    auto batch = (*store)->batch();
    batch.put_facility(facility_with_units("590000001", {"a", "b"}));
    wire::AvailabilityT availability;
    availability.installed = 12;
    availability.available = 3;
    availability.confirmed_by = "staff";
    batch.put_availability("590000001", "b", availability);
    batch.set_last_sequence(42);
    ASSERT_TRUE((*store)->commit(batch));
    EXPECT_TRUE(batch.empty());
  }
  auto store = Store::open(dir.path());
  ASSERT_TRUE(store);
  AvailabilityIndex index;
  ASSERT_TRUE((*store)->load(index));
  ASSERT_EQ(index.unit_count(), 2u);
  const FacilityRecord* facility = index.facility("590000001");
  ASSERT_NE(facility, nullptr);
  EXPECT_TRUE(facility->facility.units.empty());
  EXPECT_EQ(facility->unit("a")->availability.installed, 12);
  EXPECT_EQ(facility->unit("a")->availability.available, 0);
  EXPECT_EQ(facility->unit("b")->availability.available, 3);
  EXPECT_EQ(facility->unit("b")->availability.confirmed_by, "staff");
  EXPECT_EQ(*(*store)->last_sequence(), 42u);
}

// A cluster (issue #16): the leader's batch, as bytes, written by another member's store.
TEST(StoreTest, AReplicatedBatchIsWrittenOnceWithItsIndex) {
  testing::TempDir leader_dir;
  testing::TempDir member_dir;
  auto leader = Store::open(leader_dir.path());
  auto member = Store::open(member_dir.path());
  ASSERT_TRUE(leader && member);
  auto batch = (*leader)->batch();
  batch.put_facility(facility_with_units("590000001", {"a"}));
  batch.set_last_sequence(7);
  const std::string data = batch.data();

  ASSERT_TRUE((*member)->apply_replicated(data, 12));
  EXPECT_EQ(*(*member)->replicated_index(), 12u);
  EXPECT_EQ(*(*member)->last_sequence(), 7u);
  AvailabilityIndex index;
  ASSERT_TRUE((*member)->load(index));
  EXPECT_NE(index.facility("590000001"), nullptr);

  // The log replayed after a restart: an index already written changes nothing.
  auto later = (*leader)->batch();
  later.set_last_sequence(99);
  ASSERT_TRUE((*member)->apply_replicated(later.data(), 12));
  EXPECT_EQ(*(*member)->last_sequence(), 7u);
  ASSERT_TRUE((*member)->apply_replicated(later.data(), 13));
  EXPECT_EQ(*(*member)->last_sequence(), 99u);
  EXPECT_EQ(*(*member)->replicated_index(), 13u);

  // Bytes that are no batch: refused, nothing written, the index unchanged.
  auto refused = (*member)->apply_replicated("not a batch", 14);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, wire::Status::storage_error);
  EXPECT_EQ(*(*member)->replicated_index(), 13u);
  std::string corrupt = data;
  corrupt[8] = '\x7f';  // the count of records in WriteBatch's header
  EXPECT_FALSE((*member)->apply_replicated(corrupt, 14));
  EXPECT_EQ(*(*member)->replicated_index(), 13u);
}

// A cluster's Raft snapshot: one member's whole store as an image, restored into another member's
// store, which had other things in it: afterwards it holds exactly the image's state.
TEST(StoreTest, AnImageRestoredElsewhereReplacesTheWholeStore) {
  testing::TempDir source_dir;
  testing::TempDir target_dir;
  auto source = Store::open(source_dir.path());
  auto target = Store::open(target_dir.path());
  ASSERT_TRUE(source && target);
  auto batch = (*source)->batch();
  batch.put_facility(facility_with_units("590000001", {"a", "b"}));
  batch.append_event(1, "first event");
  batch.append_event(2, "second event");
  batch.set_last_sequence(2);
  ASSERT_TRUE((*source)->apply_replicated(batch.data(), 40));
  auto other = (*target)->batch();
  other.put_facility(facility_with_units("590000099", {"z"}));
  other.set_last_sequence(9);
  ASSERT_TRUE((*target)->apply_replicated(other.data(), 3));

  auto image = (*source)->image();
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(*Store::replicated_index_of_image(*image), 40u);
  ASSERT_TRUE((*target)->restore_image(*image));
  EXPECT_EQ(*(*target)->replicated_index(), 40u);
  EXPECT_EQ(*(*target)->last_sequence(), 2u);
  AvailabilityIndex index;
  ASSERT_TRUE((*target)->load(index));
  EXPECT_NE(index.facility("590000001"), nullptr);
  EXPECT_EQ(index.facility("590000099"), nullptr) << "what the image does not hold is gone";
  std::vector<std::string> events;
  ASSERT_TRUE((*target)->for_each_event(1, [&](std::uint64_t, std::string_view bytes) {
    events.emplace_back(bytes);
    return true;
  }));
  EXPECT_EQ(events, (std::vector<std::string>{"first event", "second event"}));
  EXPECT_EQ(*(*target)->image(), *image) << "the same state makes the same image";
}

// An image cut short, or bytes that are none, are refused with a message and change nothing.
TEST(StoreTest, ATruncatedImageIsRefusedAndChangesNothing) {
  testing::TempDir dir;
  auto store = Store::open(dir.path());
  ASSERT_TRUE(store);
  auto batch = (*store)->batch();
  batch.put_facility(facility_with_units("590000001", {"a"}));
  batch.set_last_sequence(5);
  ASSERT_TRUE((*store)->apply_replicated(batch.data(), 7));
  auto image = (*store)->image();
  ASSERT_TRUE(image);
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, image->size() / 2, image->size() - 1}) {
    auto refused = (*store)->restore_image(std::string_view(*image).substr(0, cut));
    ASSERT_FALSE(refused) << "cut at " << cut;
    EXPECT_EQ(refused.error().status, wire::Status::storage_error);
    EXPECT_NE(refused.error().message.find("not a store image"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(Store::replicated_index_of_image(std::string_view(*image).substr(0, cut)));
  }
  EXPECT_EQ(*(*store)->last_sequence(), 5u);
  EXPECT_EQ(*(*store)->replicated_index(), 7u);
  EXPECT_EQ(*(*store)->image(), *image);
}

TEST(StoreTest, UncommittedBatchLeavesNothing) {
  testing::TempDir dir;
  {
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store);
    auto batch = (*store)->batch();
    batch.put_facility(facility_with_units("590000001", {"a"}));
    batch.set_last_sequence(1);
  }
  auto store = Store::open(dir.path());
  AvailabilityIndex index;
  ASSERT_TRUE((*store)->load(index));
  EXPECT_EQ(index.facilities().size(), 0u);
  EXPECT_EQ(*(*store)->last_sequence(), 0u);
}

TEST(StoreTest, EventsAreVisitedInSequenceOrderFromAPoint) {
  testing::TempDir dir;
  auto store = Store::open(dir.path());
  ASSERT_TRUE(store);
  auto batch = (*store)->batch();
  for (std::uint64_t sequence : {300u, 2u, 256u, 1u}) {
    batch.append_event(sequence, "event-" + std::to_string(sequence));
  }
  ASSERT_TRUE((*store)->commit(batch));
  std::vector<std::uint64_t> seen;
  ASSERT_TRUE((*store)->for_each_event(2, [&](std::uint64_t sequence, std::string_view bytes) {
    EXPECT_EQ(bytes, "event-" + std::to_string(sequence));
    seen.push_back(sequence);
    return sequence < 256;
  }));
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{2, 256}));
}

TEST(StoreTest, RepliesAreFoundPerClientWithTheHighestRequestId) {
  testing::TempDir dir;
  auto store = Store::open(dir.path());
  ASSERT_TRUE(store);
  auto batch = (*store)->batch();
  batch.put_reply("alpha", 7, "reply-7");
  batch.put_reply("alpha", 300, "reply-300");
  batch.put_reply("alphabet", 999, "other client");
  ASSERT_TRUE((*store)->commit(batch));
  EXPECT_EQ(**(*store)->reply("alpha", 7), "reply-7");
  EXPECT_FALSE((*store)->reply("alpha", 8)->has_value());
  EXPECT_EQ(**(*store)->last_request_id("alpha"), 300u);
  EXPECT_EQ(**(*store)->last_request_id("alphabet"), 999u);
  EXPECT_FALSE((*store)->last_request_id("alp")->has_value());
  EXPECT_FALSE((*store)->last_request_id("zulu")->has_value());
}

TEST(StoreTest, SecondOpenOfTheSameDirectoryIsRefusedClearly) {
  testing::TempDir dir;
  auto first = Store::open(dir.path());
  ASSERT_TRUE(first);
  auto second = Store::open(dir.path());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().status, wire::Status::storage_error);
  EXPECT_NE(second.error().message.find("lock"), std::string::npos) << second.error().message;
}

}  // namespace
}  // namespace dispo::broker
