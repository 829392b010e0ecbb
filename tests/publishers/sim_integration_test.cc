// `dispo-sim` against the real broker: it registers its département, publishes a first round and
// then paced admissions and departures; it survives a broker restart; usage and start-up failures
// are one French line with a documented exit code.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "broker_process.h"
#include "watchers.h"
#include "dispo/clients/session.h"
#include "dispo/publishers/simulator.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

bool one_french_line(const std::string& text) {
  return text.rfind("dispo-sim : ", 0) == 0 && text.find('\n') == text.size() - 1;
}


class SimIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { broker_.start(); }

  std::vector<std::string> sim(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {sim_binary(), "--broker", broker_.api(), "--outbox", outbox()});
    return arguments;
  }

  // The broker's whole state, read over the api (nothing when it does not answer).
  std::unique_ptr<wire::SnapshotT> snapshot(std::chrono::milliseconds timeout = 2s) {
    client::Session session(context_, {broker_.api(), timeout, 1, "test-reader"});
    wire::RequestBodyUnion body;
    body.Set(wire::SnapshotRequestT{});
    auto reply = session.call(std::move(body));
    if (!reply) return nullptr;
    return std::unique_ptr<wire::SnapshotT>((*reply)->body_as_Snapshot()->UnPack());
  }

  std::string outbox() const { return (dir_ / "sim-outbox").string(); }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data"};
  zmq::context_t context_;
};

TEST_F(SimIntegrationTest, RegistersThenPublishesAdmissionsAndDepartures) {
  const auto result = run_command(sim({"--duration", "2", "--facilities", "20", "--rate", "200", "--quiet"}), 60s);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, "") << "--quiet";

  // What the simulator was asked to simulate, generated again here (same seed, same département).
  auto expected = publishers::generate_departement("59", 20, 1);
  ASSERT_TRUE(expected);
  publishers::ActivityModel initial(*expected, 1);
  std::size_t units = 0;
  for (const auto& facility : expected->facilities) units += facility->units.size();

  auto state = snapshot();
  ASSERT_NE(state, nullptr);
  ASSERT_EQ(state->facilities.size(), 20u);
  std::size_t seen_units = 0, changed = 0, index = 0;
  for (const auto& facility : expected->facilities) {
    const auto found = std::find_if(state->facilities.begin(), state->facilities.end(),
                                    [&](const auto& s) { return s->facility->id == facility->id; });
    ASSERT_NE(found, state->facilities.end()) << facility->id << " not registered";
    ASSERT_EQ((*found)->units.size(), facility->units.size()) << facility->id;
    for (std::size_t u = 0; u < facility->units.size(); ++u, ++index) {
      const auto& a = *(*found)->units[u]->availability;
      ++seen_units;
      EXPECT_LE(a.available + a.occupied + a.reserved + a.closed, a.installed) << facility->id;
      EXPECT_GT(a.confirmed_at, 0) << facility->id << ": the first round reached every unit";
      const auto& start = initial.counts(index);
      if (a.occupied != start.occupied || a.available != start.available || a.reserved != start.reserved ||
          a.closed != start.closed || a.free_72h != start.free_72h) {
        ++changed;
      }
    }
  }
  EXPECT_EQ(seen_units, units);
  EXPECT_GT(changed, units / 4) << "admissions and departures changed the units after the first round";
  // Registration (one change per facility), first round (one per unit), then ~400 steps in 2 s.
  EXPECT_GT(state->sequence, 20 + units + 150) << "the paced steps reached the broker";
}

TEST_F(SimIntegrationTest, KeepsGoingWhenTheBrokerIsKilledAndRestarted) {
  const auto log = dir_ / "sim.log";
  std::ofstream{log};  // exists before the simulator writes to it, so that it can be watched
  FeedWatch feed(context_, broker_.feed());
  auto process = Process::start(sim({"--facilities", "5", "--rate", "100", "--timeout", "0.3", "--quiet"}),
                                log.string());
  ASSERT_TRUE(feed.passes(100, 30s)) << "the simulator publishes\n" << read_file(log);

  broker_.kill9();
  ASSERT_TRUE(file_says(log, "le broker ne répond plus", 30s)) << read_file(log);
  EXPECT_TRUE(process.running()) << "no crash while the broker is down:\n" << read_file(log);

  broker_.start();
  ASSERT_TRUE(file_says(log, "de nouveau joignable", 30s)) << read_file(log);
  auto resumed = snapshot();
  ASSERT_NE(resumed, nullptr);
  EXPECT_EQ(resumed->facilities.size(), 5u);
  EXPECT_TRUE(feed.passes(resumed->sequence + 50, 30s)) << "steps resume after the restart\n" << read_file(log);

  EXPECT_EQ(process.stop(), 0) << read_file(log);
  EXPECT_EQ(read_file(log).find("refusée"), std::string::npos) << read_file(log);
}

TEST_F(SimIntegrationTest, UnreachableBrokerAtStartIsOneFrenchLineAndExitThree) {
  const std::string nobody = "tcp://127.0.0.1:" + std::to_string(free_port());
  const auto result = run_command({sim_binary(), "--broker", nobody, "--timeout", "0.2", "--quiet", "--outbox", outbox()}, 30s);
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(one_french_line(result.err)) << result.err;
  EXPECT_NE(result.err.find("injoignable"), std::string::npos) << result.err;
}

TEST_F(SimIntegrationTest, WrongUsageIsOneFrenchLineAndExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"}, {"--rate", "0"}, {"--rate", "vite"}, {"--facilities", "0"}, {"--dept", "13"},
      {"--duration", "-1"}, {"--broker", "pas-une-adresse"}, {"extra"}};
  for (const auto& arguments : cases) {
    std::vector<std::string> argv = {sim_binary(), "--outbox", outbox()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    if (arguments.front() != "--broker") argv.insert(argv.end(), {"--broker", broker_.api()});
    const auto result = run_command(argv, 30s);
    EXPECT_EQ(result.exit_code, 2) << arguments.front() << "\n" << result.err;
    EXPECT_TRUE(one_french_line(result.err)) << arguments.front() << "\n" << result.err;
    EXPECT_EQ(result.out, "") << arguments.front();
  }
}

TEST_F(SimIntegrationTest, UnknownDepartementListsTheSupportedOnes) {
  const auto result = run_command(sim({"--dept", "2A"}), 30s);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("59 (Nord)"), std::string::npos) << result.err;
}

TEST_F(SimIntegrationTest, HelpDescribesEveryOption) {
  const auto result = run_command({sim_binary(), "--help"}, 30s);
  EXPECT_EQ(result.exit_code, 0);
  for (const char* option : {"--broker", "--dept", "--facilities", "--rate", "--seed", "--duration", "--quiet",
                             "--timeout", "DISPO_BROKER", "--outbox"}) {
    EXPECT_NE(result.out.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace dispo::testing
