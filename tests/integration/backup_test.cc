// ops/backup and ops/restore on the real broker: a backup taken under load holds every write
// acknowledged up to the sequence it reports, and a broker started on the restored copy serves it.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/text_rules.h"
#include "store.h"
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
  return run_command(args, 60s, {"DISPO_BROKER=" + api, std::string("DISPO_ADMIN=") + DISPO_ADMIN_BIN});
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

  auto store = broker::Store::open(restored_dir);
  ASSERT_TRUE(store) << store.error().message;
  std::map<std::uint64_t, std::pair<std::string, int>> logged;
  ASSERT_TRUE((*store)->for_each_event(1, [&](std::uint64_t sequence, std::string_view bytes) {
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

}  // namespace
}  // namespace dispo::testing
