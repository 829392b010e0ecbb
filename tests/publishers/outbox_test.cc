// Outbox on a real directory: order, removal from the front, what survives a reopen, a torn last
// entry, the lock, request ids that never repeat.
#include "dispo/publishers/outbox.h"

#include <gtest/gtest.h>

#include <fstream>

#include "dispo/publishers/outbox_request.h"
#include "temp_dir.h"

namespace dispo::publishers {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string update_request(std::uint64_t request_id, int available, const std::string& unit = "u1") {
  wire::AvailabilityUpdateT update;
  update.facility_id = "590001234";
  update.unit_id = unit;
  update.available = static_cast<std::uint16_t>(available);
  wire::RequestBodyUnion body;
  body.Set(std::move(update));
  return encode_request(request_id, "poste-1", std::move(body));
}

std::vector<std::uint64_t> ids(const Outbox& outbox) {
  std::vector<std::uint64_t> out;
  for (const auto& entry : outbox.entries()) out.push_back(entry.request_id);
  return out;
}

Outbox open(const fs::path& directory, const std::string& client_id = "fresh-id") {
  auto outbox = Outbox::open(directory, client_id, 100ms);
  if (!outbox) throw std::runtime_error(outbox.error().message);
  return std::move(*outbox);
}

fs::path only_queue_file(const fs::path& directory) {
  fs::path found;
  for (const auto& file : fs::directory_iterator(directory)) {
    if (file.path().filename().string().starts_with("queue.")) {
      EXPECT_TRUE(found.empty()) << "two queue files";
      found = file.path();
    }
  }
  return found;
}

class OutboxTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  fs::path outbox_dir_ = dir_ / "outbox";
};

TEST_F(OutboxTest, GivesEntriesBackInOrderAndSettlesFromTheFront) {
  auto outbox = open(outbox_dir_);
  EXPECT_TRUE(outbox.empty());
  ASSERT_TRUE(outbox.append(update_request(10, 1)));
  const std::vector<std::string> two = {update_request(11, 2), update_request(12, 3)};
  ASSERT_TRUE(outbox.append(two));
  EXPECT_EQ(ids(outbox), (std::vector<std::uint64_t>{10, 11, 12}));
  EXPECT_EQ(outbox.entries()[1].request, two[0]);
  EXPECT_GT(outbox.entries()[0].kept_at_ms, 0);

  ASSERT_TRUE(outbox.settle(2));
  EXPECT_EQ(ids(outbox), (std::vector<std::uint64_t>{12}));
  ASSERT_TRUE(outbox.settle(5));
  EXPECT_TRUE(outbox.empty());
}

TEST_F(OutboxTest, WhatIsNotSettledSurvivesAReopenWithItsClientId) {
  {
    auto outbox = open(outbox_dir_, "poste-nuit");
    for (std::uint64_t id = 1; id <= 4; ++id) ASSERT_TRUE(outbox.append(update_request(id, static_cast<int>(id))));
    ASSERT_TRUE(outbox.settle(1));
  }
  auto outbox = open(outbox_dir_, "another-id");
  EXPECT_EQ(outbox.client_id(), "poste-nuit") << "the first client id is kept for good";
  EXPECT_EQ(ids(outbox), (std::vector<std::uint64_t>{2, 3, 4}));
  EXPECT_EQ(outbox.recovered_bytes(), 0u);
  EXPECT_EQ(outbox.entries()[2].request, update_request(4, 4));
}

TEST_F(OutboxTest, ATornLastEntryIsCutOffAndTheQueueGoesOn) {
  {
    auto outbox = open(outbox_dir_);
    ASSERT_TRUE(outbox.append(update_request(1, 1)));
    ASSERT_TRUE(outbox.append(update_request(2, 2)));
  }
  const auto queue = only_queue_file(outbox_dir_);
  const auto whole = fs::file_size(queue);
  {  // a crash in the middle of the third append: its header and half its request
    const std::string third = update_request(3, 3);
    std::string framed(20, '\0');
    const std::uint32_t magic = 0x58424f44, length = static_cast<std::uint32_t>(third.size());
    std::memcpy(framed.data(), &magic, 4);
    std::memcpy(framed.data() + 4, &length, 4);
    std::ofstream(queue, std::ios::binary | std::ios::app) << framed << third.substr(0, third.size() / 2);
  }
  {
    auto outbox = open(outbox_dir_);
    EXPECT_EQ(ids(outbox), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_GT(outbox.recovered_bytes(), 0u);
    EXPECT_EQ(fs::file_size(queue), whole) << "the torn bytes are cut off";
    ASSERT_TRUE(outbox.append(update_request(4, 4)));
  }
  auto outbox = open(outbox_dir_);
  EXPECT_EQ(ids(outbox), (std::vector<std::uint64_t>{1, 2, 4})) << "appends after the repair are read back";
  EXPECT_EQ(outbox.recovered_bytes(), 0u);
}

TEST_F(OutboxTest, AnEntryWithABadChecksumIsNotDelivered) {
  {
    auto outbox = open(outbox_dir_);
    ASSERT_TRUE(outbox.append(update_request(1, 1)));
    ASSERT_TRUE(outbox.append(update_request(2, 2)));
  }
  const auto queue = only_queue_file(outbox_dir_);
  {
    std::fstream file(queue, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(static_cast<std::streamoff>(fs::file_size(queue) - 3));
    file.put('\x7f');  // inside the last request: its checksum no longer matches
  }
  auto outbox = open(outbox_dir_);
  EXPECT_EQ(ids(outbox), (std::vector<std::uint64_t>{1}));
  EXPECT_GT(outbox.recovered_bytes(), 0u);
}

TEST_F(OutboxTest, ARefusedEntryIsSetAsideWithItsReason) {
  auto outbox = open(outbox_dir_);
  ASSERT_TRUE(outbox.append(update_request(7, 30)));
  ASSERT_TRUE(outbox.append(update_request(8, 1)));
  auto kept = outbox.reject_front("disponibles (30) + occupées (9) dépasse la capacité installée (12)");
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(ids(outbox), (std::vector<std::uint64_t>{8}));
  EXPECT_EQ(outbox.rejected_count(), 1u);
  std::ifstream request(*kept, std::ios::binary), reason(fs::path(*kept).replace_extension(".txt"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(request), {}), update_request(7, 30));
  EXPECT_NE(std::string(std::istreambuf_iterator<char>(reason), {}).find("capacité installée"), std::string::npos);
}

TEST_F(OutboxTest, CompactionKeepsWhatWaitsInOrder) {
  std::vector<std::uint64_t> expected;
  {
    auto outbox = open(outbox_dir_);
    for (std::uint64_t id = 1; id <= 1000; ++id) ASSERT_TRUE(outbox.append(update_request(id, 1)));
    ASSERT_TRUE(outbox.settle(990));  // well past the compaction threshold
    expected = ids(outbox);
    ASSERT_EQ(expected.size(), 10u);
    EXPECT_LT(fs::file_size(only_queue_file(outbox_dir_)), 64u * 1024) << "settled entries were dropped";
    ASSERT_TRUE(outbox.append(update_request(1001, 2)));
    expected.push_back(1001);
  }
  auto outbox = open(outbox_dir_);
  EXPECT_EQ(ids(outbox), expected);
}

TEST_F(OutboxTest, RequestIdsNeverRepeatEvenWhenTheQueueIsEmpty) {
  const std::uint64_t far_future = std::uint64_t{1} << 62;  // above the clock in microseconds
  {
    auto outbox = open(outbox_dir_);
    ASSERT_TRUE(outbox.append(update_request(far_future, 1)));
    ASSERT_TRUE(outbox.settle(1));
  }
  auto outbox = open(outbox_dir_);
  ASSERT_TRUE(outbox.empty());
  const auto first = outbox.next_request_id();
  EXPECT_GT(first, far_future);
  EXPECT_GT(outbox.next_request_id(), first);
}

TEST_F(OutboxTest, OneProcessAtATime) {
  auto first = open(outbox_dir_);
  auto second = Outbox::open(outbox_dir_, "x", 50ms);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().status, wire::Status::unavailable);
  EXPECT_NE(second.error().message.find("utilisée par un autre processus"), std::string::npos) << second.error().message;
  { Outbox moved = std::move(first); }  // closing releases the lock
  EXPECT_TRUE(Outbox::open(outbox_dir_, "x", 50ms));
}

TEST_F(OutboxTest, AppendRefusesBytesThatAreNotARequest) {
  auto outbox = open(outbox_dir_);
  EXPECT_FALSE(outbox.append(std::string("pas une requête")));
  EXPECT_TRUE(outbox.empty());
}

TEST(OutboxRequestTest, DescribesWhatWaitsInFrench) {
  EXPECT_EQ(describe_request(update_request(1, 2)), "590001234, unité u1 : 2 disponibles");
  wire::ConfirmationT confirmation;
  confirmation.facility_id = "590001234";
  wire::RequestBodyUnion body;
  body.Set(std::move(confirmation));
  EXPECT_EQ(describe_request(encode_request(1, "x", std::move(body))), "590001234, toutes les unités : toujours à jour");
  EXPECT_EQ(describe_request("garbage"), "requête illisible");
}

}  // namespace
}  // namespace dispo::publishers
