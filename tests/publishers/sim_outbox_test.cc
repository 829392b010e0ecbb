// `dispo-sim` with its outbox against the real broker killed mid-run (DESIGN.md §5, 6): every
// update the simulator produced ends applied, once, in order — whether the simulator kept running
// through the outage or was itself killed -9 and started again on the same outbox.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "broker_process.h"
#include "watchers.h"
#include "dispo/clients/session.h"
#include "dispo/publishers/outbox.h"
#include "dispo/publishers/simulator.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kFacilities = 5;
constexpr std::uint64_t kSeed = 3;


// "dispo-sim : arrêt · 3 s · 2 100 évènements …" → 2100.
std::optional<std::uint64_t> steps_at_stop(const std::string& log) {
  std::smatch found;
  if (!std::regex_search(log, found, std::regex(R"(arrêt · [\d ]+ s · ([\d ]+) évènement)"))) return std::nullopt;
  std::string digits = found[1];
  std::erase(digits, ' ');
  return std::stoull(digits);
}

class SimOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { broker_.start(); }

  std::vector<std::string> sim(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {sim_binary(), "--broker", broker_.api(), "--facilities",
                                         std::to_string(kFacilities), "--seed", std::to_string(kSeed), "--outbox",
                                         outbox_.string()});
    return arguments;
  }

  std::unique_ptr<wire::SnapshotT> snapshot() {
    client::Session session(context_, {broker_.api(), 2s, 2, "test-reader"});
    wire::RequestBodyUnion body;
    body.Set(wire::SnapshotRequestT{});
    auto reply = session.call(std::move(body));
    if (!reply) return nullptr;
    return std::unique_ptr<wire::SnapshotT>((*reply)->body_as_Snapshot()->UnPack());
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data"};
  std::filesystem::path outbox_ = dir_ / "sim-outbox";
  zmq::context_t context_;
};

TEST_F(SimOutboxTest, EveryUpdateEndsAppliedOnceWhenTheBrokerIsKilledMidRun) {
  const auto log = dir_ / "sim.log";
  std::ofstream{log};
  FeedWatch feed(context_, broker_.feed());
  auto process = Process::start(sim({"--rate", "100", "--timeout", "0.3"}), log.string());
  ASSERT_TRUE(feed.passes(100, 30s)) << read_file(log);

  broker_.kill9();
  ASSERT_TRUE(file_says(log, "le broker ne répond plus", 30s)) << read_file(log);
  ASSERT_TRUE(file_says(log, "gardées dans la file d'attente locale", 1s)) << read_file(log);
  EXPECT_TRUE(process.running()) << read_file(log);

  broker_.start();
  ASSERT_TRUE(file_says(log, "de nouveau joignable", 30s)) << read_file(log);
  auto resumed = snapshot();
  ASSERT_NE(resumed, nullptr);
  EXPECT_TRUE(feed.passes(resumed->sequence + 50, 30s)) << read_file(log);
  ASSERT_EQ(process.stop(), 0) << "everything delivered before exiting\n" << read_file(log);

  const auto steps = steps_at_stop(read_file(log));
  ASSERT_TRUE(steps) << read_file(log);
  auto registration = publishers::generate_departement("59", kFacilities, kSeed);
  ASSERT_TRUE(registration);
  publishers::ActivityModel model(*registration, kSeed);
  for (std::uint64_t i = 0; i < *steps; ++i) (void)model.step();

  const auto state = snapshot();
  ASSERT_NE(state, nullptr);
  // One change per facility registered, per unit of the first round, per step: none lost, none twice.
  EXPECT_EQ(state->sequence, kFacilities + model.unit_count() + *steps) << read_file(log);
  std::size_t unit = 0;
  for (const auto& facility : registration->facilities) {
    for (const auto& expected_unit : facility->units) {
      const auto& expected = model.counts(unit++);
      const wire::AvailabilityT* found = nullptr;
      for (const auto& f : state->facilities) {
        for (const auto& u : f->units) {
          if (f->facility->id == facility->id && u->unit->id == expected_unit->id) found = u->availability.get();
        }
      }
      ASSERT_NE(found, nullptr) << facility->id << "/" << expected_unit->id;
      EXPECT_EQ(found->available, expected.available) << facility->id << "/" << expected_unit->id;
      EXPECT_EQ(found->occupied, expected.occupied) << facility->id << "/" << expected_unit->id;
      EXPECT_EQ(found->reserved, expected.reserved) << facility->id << "/" << expected_unit->id;
      EXPECT_EQ(found->closed, expected.closed) << facility->id << "/" << expected_unit->id;
      EXPECT_EQ(found->free_72h, expected.free_72h) << facility->id << "/" << expected_unit->id;
    }
  }
  EXPECT_EQ(read_file(log).find("refusée"), std::string::npos) << read_file(log);
}

TEST_F(SimOutboxTest, AKilledSimulatorDeliversWhatWaitedWhenStartedAgain) {
  const auto log = dir_ / "sim.log";
  std::ofstream{log};
  FeedWatch feed(context_, broker_.feed());
  auto process = Process::start(sim({"--rate", "100", "--timeout", "0.3"}), log.string());
  ASSERT_TRUE(feed.passes(50, 30s)) << read_file(log);
  broker_.kill9();
  ASSERT_TRUE(file_says(log, "le broker ne répond plus", 30s)) << read_file(log);
  process.kill9();

  std::vector<publishers::Outbox::Entry> waiting;
  {
    auto outbox = publishers::Outbox::open(outbox_, "unused", 2s);
    ASSERT_TRUE(outbox) << outbox.error().message;
    waiting.assign(outbox->entries().begin(), outbox->entries().end());
  }
  ASSERT_FALSE(waiting.empty()) << "updates the broker never acknowledged were kept";

  broker_.start();
  const auto restarted = run_command(sim({"--rate", "0.01", "--duration", "0.2", "--quiet"}), 60s);
  ASSERT_EQ(restarted.exit_code, 0) << restarted.err;
  EXPECT_NE(restarted.err.find("depuis une exécution précédente"), std::string::npos) << restarted.err;

  // Sent again now, each kept request is answered from the broker's reply cache: it was applied,
  // once, and in the order it was kept.
  const auto before = snapshot();
  ASSERT_NE(before, nullptr);
  client::Session session(context_, {broker_.api(), 2s, 2, "test-resender"});
  std::uint64_t previous = 0;
  for (const auto& entry : waiting) {
    auto reply = session.call_encoded(entry.request_id, entry.request);
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_GT((*reply)->sequence(), previous) << "request " << entry.request_id << " applied out of order";
    previous = (*reply)->sequence();
  }
  EXPECT_EQ(snapshot()->sequence, before->sequence) << "a kept request had not been applied";
  auto outbox = publishers::Outbox::open(outbox_, "unused", 2s);
  ASSERT_TRUE(outbox);
  EXPECT_TRUE(outbox->empty());
}

}  // namespace
}  // namespace dispo::testing
