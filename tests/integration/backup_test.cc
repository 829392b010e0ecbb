// ops/backup and ops/restore on the real broker: a backup taken under load holds every write
// acknowledged up to the sequence it reports, and a broker started on the restored copy serves it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/text_rules.h"
#include "dispo/broker/broker.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFacility = "590000040";
constexpr int kUnits = 50;  // the load keeps each unit's value under the 999 places a unit may have

struct Ack {
  std::string unit;
  int available;
};

CommandResult run_ops(const std::string& script, std::vector<std::string> args, const std::string& api) {
  args.insert(args.begin(), std::string(DISPO_SOURCE_DIR) + "/ops/" + script);
  return run_command(args, 60s, {"DISPO_BROKER=" + api, std::string("DISPO_ADMIN=") + DISPO_ADMIN_BIN,
                                 "DISPO_BROKER_BIN=" + broker_binary()});
}

std::uint64_t sequence_in(const std::string& text) {
  const auto at = text.find("séquence ");
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + std::string("séquence ").size()));
}

TEST(BackupTest, BackupUnderLoadRestoresEveryWriteUpToItsSequence) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  client::Session admin(context, {broker.api(), 5s, 1, "admin"});
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, kUnits, wire::kMaxInstalledPlaces))));

  std::mutex mutex;
  std::map<std::uint64_t, Ack> acks;
  std::atomic<bool> stop{false};
  std::thread load([&] {
    client::Session session(context, {broker.api(), 5s, 3, "load"});
    std::map<std::string, int> next;
    for (int n = 0; !stop.load(); ++n) {
      const std::string unit = "u" + std::to_string(1 + n % kUnits);
      const int value = ++next[unit];
      if (auto reply = session.call(update_of(kFacility, unit, value))) {
        std::lock_guard lock(mutex);
        acks[(*reply)->sequence()] = {unit, value};
      }
    }
  });
  auto acknowledged = [&] {
    std::lock_guard lock(mutex);
    return acks.size();
  };
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (acknowledged() < 300 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_GE(acknowledged(), 300u);

  const auto backup = dir / "backup";
  const auto made = run_ops("backup", {backup.string()}, broker.api());
  ASSERT_EQ(made.exit_code, 0) << made.err << "\n" << broker.log();
  const std::uint64_t backup_sequence = sequence_in(made.out);
  ASSERT_GT(backup_sequence, 0u) << made.out;
  const std::size_t at_backup = acknowledged();
  while (acknowledged() < at_backup + 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();  // the load goes on after the backup
  }
  stop.store(true);
  load.join();

  // Refusals: the same target again, a relative path, a restore into a running broker's dir.
  const auto again = run_ops("backup", {backup.string()}, broker.api());
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("existe déjà"), std::string::npos) << again.err;
  const auto busy = run_ops("restore", {backup.string(), broker.data_dir().string(), "--force"}, broker.api());
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.err.find("arrêtez-le"), std::string::npos) << busy.err;
  ASSERT_EQ(broker.stop(), 0);
  const auto not_empty = run_ops("restore", {backup.string(), broker.data_dir().string()}, broker.api());
  EXPECT_EQ(not_empty.exit_code, 1);
  EXPECT_NE(not_empty.err.find("n'est pas vide"), std::string::npos) << not_empty.err;

  const auto restored_dir = dir / "restored";
  const auto restored = run_ops("restore", {backup.string(), restored_dir.string()}, broker.api());
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  BrokerProcess restored_broker(restored_dir);
  restored_broker.start();
  client::Session reader(context, {restored_broker.api(), 5s, 1, "reader"});
  auto snapshot = reader.call(snapshot_request());
  ASSERT_TRUE(snapshot);
  EXPECT_EQ((*snapshot)->sequence(), backup_sequence);
  ASSERT_EQ(restored_broker.stop(), 0);

  std::map<std::uint64_t, std::pair<std::string, int>> logged;
  ASSERT_TRUE(broker::for_each_event_in(restored_dir, 1, [&](std::uint64_t sequence, std::string_view bytes) {
    auto message = wire::decode(bytes.data(), bytes.size());
    const auto* event = message ? (*message)->body_as_FeedEvent() : nullptr;
    if (event != nullptr && event->change_as_AvailabilityChanged() != nullptr) {
      const auto* change = event->change_as_AvailabilityChanged();
      logged[sequence] = {change->unit_id()->str(), change->availability()->available()};
    }
    return true;
  }));
  std::size_t covered = 0;
  for (const auto& [sequence, ack] : acks) {
    if (sequence > backup_sequence) continue;
    ++covered;
    auto found = logged.find(sequence);
    ASSERT_NE(found, logged.end()) << "acknowledged sequence " << sequence << " missing from the backup";
    EXPECT_EQ(found->second, std::make_pair(ack.unit, ack.available));
  }
  EXPECT_GE(covered, 300u);
  EXPECT_LE(logged.rbegin()->first, backup_sequence) << "the backup holds more than it reported";
  EXPECT_GT(acks.rbegin()->first, backup_sequence) << "no write after the backup: load did not go on";
}

// A restore that replaces newer data says where the restored data stops and how many events the
// replaced data held beyond it (issue 10: the operator must know what the restore gives up).
TEST(BackupTest, RestoreSaysWhereTheRestoredDataStopsAndHowManyNewerEventsItReplaced) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  client::Session session(context, {broker.api(), 5s, 1, "publisher"});
  ASSERT_TRUE(session.call(registration_of(make_facility(kFacility, 2, 100))));
  for (int n = 1; n <= 5; ++n) ASSERT_TRUE(session.call(update_of(kFacility, "u1", n)));

  const auto backup = dir / "backup";
  const auto made = run_ops("backup", {backup.string()}, broker.api());
  ASSERT_EQ(made.exit_code, 0) << made.err << "\n" << broker.log();
  const std::uint64_t backup_sequence = sequence_in(made.out);
  ASSERT_GT(backup_sequence, 0u) << made.out;
  std::uint64_t last = 0;
  for (int n = 1; n <= 7; ++n) {
    auto reply = session.call(update_of(kFacility, "u2", n));
    ASSERT_TRUE(reply);
    last = (*reply)->sequence();
  }
  ASSERT_EQ(broker.stop(), 0);
  ASSERT_EQ(last, backup_sequence + 7) << "each update is one event";

  const auto restored = run_ops("restore", {backup.string(), broker.data_dir().string(), "--force"}, broker.api());
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_NE(restored.out.find("les données restaurées s'arrêtent à la séquence " + std::to_string(backup_sequence)),
            std::string::npos)
      << restored.out;
  EXPECT_NE(restored.out.find("allaient jusqu'à la séquence " + std::to_string(last) +
                              " : 7 événement(s) plus récent(s) que la sauvegarde"),
            std::string::npos)
      << restored.out;
  EXPECT_NE(restored.out.find(".replaced-"), std::string::npos) << restored.out;

  // Reading the sequences changed nothing in the backup: it restores again, to the same point.
  const auto again = run_ops("restore", {backup.string(), (dir / "second").string()}, broker.api());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("s'arrêtent à la séquence " + std::to_string(backup_sequence)), std::string::npos)
      << again.out;
  EXPECT_EQ(again.out.find("données remplacées"), std::string::npos) << again.out;
}

// What the nightly dispo-backup.timer runs: dated backups in one folder, the N newest kept.
TEST(BackupTest, KeepRemovesAllButTheNewestBackups) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  const auto folder = dir / "backups";
  std::filesystem::create_directories(folder);
  for (const char* old : {"dispo-20250101-023000", "dispo-20250102-023000", "dispo-20250103-023000"}) {
    std::filesystem::create_directory(folder / old);
  }
  std::filesystem::create_directory(folder / "notes");  // not a backup: left alone
  const auto made = run_ops("backup", {"--keep", "2", folder.string()}, broker.api());
  ASSERT_EQ(made.exit_code, 0) << made.err << "\n" << broker.log();
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 3u) << made.out;
  EXPECT_EQ(names[0], "dispo-20250103-023000");
  EXPECT_TRUE(names[1].starts_with("dispo-20")) << names[1];
  EXPECT_TRUE(std::filesystem::exists(folder / names[1] / "CURRENT")) << "the new backup is a checkpoint";
  EXPECT_EQ(names[2], "notes");
  EXPECT_NE(made.out.find("ancienne sauvegarde supprimée"), std::string::npos) << made.out;

  const auto bad = run_ops("backup", {"--keep", "0", folder.string()}, broker.api());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder), {}), 3) << "a refused call changed nothing";
  ASSERT_EQ(broker.stop(), 0);
}

}  // namespace
}  // namespace dispo::testing
