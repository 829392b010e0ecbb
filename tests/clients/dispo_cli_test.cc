// The `dispo` executable as a user runs it: exit codes, one-line errors, and each command against
// a fake broker on loopback (the real broker's end-to-end tests live in tests/integration).
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_broker.h"
#include "temp_dir.h"

namespace dispo::cli {
namespace {

using testing::FakeBroker;

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `dispo <arguments>` through the shell and waits for it (it must end on its own: every
// network wait of the CLI is bounded, which is part of what is tested).
Run run(const std::string& arguments, const std::string& environment = "") {
  dispo::testing::TempDir dir;
  const auto err_path = (dir / "stderr").string();
  const std::string command = environment + " " + DISPO_CLI_PATH + " " + arguments + " 2>" + err_path;
  Run result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream text;
  text << err.rdbuf();
  result.err = text.str();
  return result;
}

bool one_line(const std::string& text) {
  return !text.empty() && text.find('\n') == text.size() - 1 && text.rfind("dispo : ", 0) == 0;
}

TEST(DispoCliTest, HelpExitsZero) {
  for (const char* command : {"--help", "find --help", "facility --help", "board --help"}) {
    const auto result = run(command);
    EXPECT_EQ(result.exit_code, 0) << command;
    EXPECT_NE(result.out.find("Utilisation"), std::string::npos) << command;
    EXPECT_EQ(result.out.find("Usage"), std::string::npos) << command;
    EXPECT_EQ(result.out.find("Print this help"), std::string::npos) << command;
  }
}

TEST(DispoCliTest, VersionPrintsTheProjectVersion) {
  const auto result = run("--version");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("dispo ", 0), 0u) << result.out;
}

// CLI11's own messages, said in French (issue #11).
TEST(DispoCliTest, TheCommandLineLibrarysMessagesAreFrench) {
  const std::pair<const char*, const char*> cases[] = {
      {"find --age abc", "valeur illisible « abc »"},
      {"admit", "HOLD est obligatoire"},
      {"facility 590000001 surplus", "argument inattendu : surplus"},
      {"find --timeout 900 --age 7", "hors des limites"},
  };
  for (const auto& [command, french] : cases) {
    const auto result = run(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_TRUE(one_line(result.err)) << command << ": " << result.err;
    EXPECT_NE(result.err.find(french), std::string::npos) << command << ": " << result.err;
    for (const char* english : {"Could not convert", "is required", "not expected", "not in range"}) {
      EXPECT_EQ(result.err.find(english), std::string::npos) << command << ": " << result.err;
    }
  }
}

TEST(DispoCliTest, ADurationWithoutAUnitIsRefusedWithTheAcceptedForms) {
  const auto result = run("hold 590000001 u1 --request R-1 --for 2");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_TRUE(one_line(result.err)) << result.err;
  EXPECT_NE(result.err.find("sans unité"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("2h, 30m, 90s"), std::string::npos) << result.err;
}

// Accepted values reach the network: against nobody, exit 3 (unreachable), never 2 (usage).
TEST(DispoCliTest, EnumeratedValuesInAnyCaseAndFrenchDeclineReasonsAreAccepted) {
  for (const char* command : {"request open --child E59-1 --dept 59 --age 4 --basis OPP",
                              "request open --child E59-1 --dept 59 --age 4 --basis Opp --origin COURT",
                              "find --age 7 --kind MECS", "decline H-1 --reason fratrie",
                              "decline H-1 --reason FRATRIE", "decline H-1 --reason âge",
                              "decline H-1 --reason siblings", "decline H-1 --reason autre"}) {
    const auto result = run(std::string("--broker tcp://127.0.0.1:9 --timeout 0.2 ") + command);
    EXPECT_EQ(result.exit_code, 3) << command << ": " << result.err;
  }
  const auto unknown = run("decline H-1 --reason flemme");
  EXPECT_NE(unknown.err.find("fratrie"), std::string::npos) << unknown.err;
}

TEST(DispoCliTest, WrongUsageIsOneFrenchLineAndExitTwo) {
  for (const char* command : {"", "find --bogus", "find --age 30", "find --need psy", "find --max-km 5",
                              "facility", "board --dept nord", "--broker nope find", "request",
                              "request open --dept 59 --age 4", "request open --child E1 --dept 59",
                              "request open --child E1 --dept 59 --age 4 --basis opq", "hold F u1",
                              "hold F u1 --request R-1 --for demain", "decline H-1 --reason flemme"}) {
    const auto result = run(command);
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.err;
    EXPECT_TRUE(one_line(result.err)) << command << ": " << result.err;
    EXPECT_TRUE(result.out.empty()) << command;
  }
  // A typo in a nested command names that command's own subcommands.
  const auto typo = run("request shw R-1");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("« shw » : attendu open, discharge, update, cancel, list, show"), std::string::npos) << typo.err;
}

TEST(DispoCliTest, UnreachableBrokerExitsThreeWithoutHanging) {
  for (const char* command : {"find --age 7", "facility 590000001", "board --once --feed tcp://127.0.0.1:9"}) {
    const auto started = std::chrono::steady_clock::now();
    const auto result = run(std::string("--broker tcp://127.0.0.1:9 --timeout 0.2 ") + command);
    EXPECT_EQ(result.exit_code, 3) << command << ": " << result.err;
    EXPECT_TRUE(one_line(result.err)) << result.err;
    EXPECT_NE(result.err.find("injoignable"), std::string::npos) << result.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5)) << command;
  }
}

class DispoCliBrokerTest : public ::testing::Test {
 protected:
  DispoCliBrokerTest() {
    auto state = testing::make_facility("590000001", "59", {2, 0});
    state.facility->name = "Foyer de l'enfance de Lille";
    state.facility->kind = wire::FacilityKind::foyer_urgence;
    broker.seed(state);
    broker.seed(testing::make_facility("620000001", "62", {1}));
  }

  std::string at_broker() const { return "--broker " + broker.api() + " --timeout 2 "; }

  zmq::context_t context;
  FakeBroker broker{context, 5, 600, FakeBroker::Transport::tcp};
};

TEST_F(DispoCliBrokerTest, FacilityShowsUnitsAndCounts) {
  const auto result = run(at_broker() + "facility 590000001");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Foyer de l'enfance de Lille (590000001)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Unité « u2 »"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("disponibles 2"), std::string::npos) << result.out;
}

TEST_F(DispoCliBrokerTest, FacilityJsonUsesSchemaNames) {
  const auto result = run(at_broker() + "facility 590000001 --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["facility"]["id"], "590000001");
  EXPECT_EQ(json["facility"]["kind"], "foyer_urgence");
  EXPECT_EQ(json["units"][0]["availability"]["available"], 2);
  EXPECT_EQ(json["units"][1]["availability"]["occupied"], 10);
}

TEST_F(DispoCliBrokerTest, UnknownFacilityIsRefusedWithTheBrokersMessage) {
  const auto result = run(at_broker() + "facility 999");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(one_line(result.err)) << result.err;
  EXPECT_NE(result.err.find("établissement inconnu : 999"), std::string::npos) << result.err;
}

TEST_F(DispoCliBrokerTest, FindSendsTheQueryAndPrintsTheReport) {
  wire::SearchResultT canned;
  canned.whole_group_found = false;
  canned.stale_excluded = 1;
  canned.sequence = 5;
  broker.set_search_result(canned);
  const auto result =
      run(at_broker() + "find --age 7 --age 9 --sex f --need soins_psy --dept 59 --near 50.63,3.06 --max-km 40");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Aucune place disponible"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("--include-stale"), std::string::npos) << result.out;
  const auto query = broker.last_search();
  ASSERT_EQ(query.children.size(), 2u);
  EXPECT_EQ(query.children[1]->age, 9);
  EXPECT_EQ(query.children[1]->sex, wire::ChildSex::fille);
  EXPECT_EQ(query.needs, std::vector<wire::Specialty>{wire::Specialty::soins_psy});
  EXPECT_EQ(query.departement, "59");
  EXPECT_DOUBLE_EQ(*query.max_km, 40);
}

TEST_F(DispoCliBrokerTest, FindJsonUsesSchemaNames) {
  wire::SearchResultT canned;
  canned.whole_group_found = true;
  canned.sequence = 5;
  auto match = std::make_unique<wire::MatchT>();
  match->facility_id = "590000001";
  match->whole_group = true;
  canned.matches.push_back(std::move(match));
  broker.set_search_result(canned);
  const auto result = run(at_broker() + "find --age 7 --json", "DISPO_BROKER=tcp://127.0.0.1:9");
  ASSERT_EQ(result.exit_code, 0) << result.err;  // --broker wins over DISPO_BROKER
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["matches"][0]["facility_id"], "590000001");
  EXPECT_EQ(json["whole_group_found"], true);
  EXPECT_EQ(json["stale_excluded"], 0);
  EXPECT_EQ(json["sequence"], 5);
}

TEST_F(DispoCliBrokerTest, BrokerFromTheEnvironment) {
  const auto result = run("facility 590000001", "DISPO_BROKER=" + broker.api());
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(DispoCliBrokerTest, BoardOncePrintsTheFilteredState) {
  const auto result = run(at_broker() + "board --once --dept 59 --feed " + broker.feed());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("département 59 · séquence 5"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Foyer de l'enfance de Lille"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("620000001"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("2 places libres dans 1 établissement"), std::string::npos) << result.out;
}

// Issue #11, defence in depth on the way out: whatever a broker sends, the text output never
// writes a control character it received, and a JSON output that cannot be produced is an error
// (exit 1, nothing on stdout), never an empty success.
TEST_F(DispoCliBrokerTest, HostileTextFromTheBrokerIsShownEscapedAndJsonIsRefusedNotEmpty) {
  auto hostile = testing::make_facility("590000666", "59", {1});
  hostile.facility->name = "\x1b[2J\x1b[31mMECS \xff\xfe Lille";
  hostile.facility->phone = "03 20 00 00 00\x1b]0;pwned\x07";
  broker.seed(hostile);
  const auto text = run(at_broker() + "facility 590000666");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find('\x07'), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\\x1b[2J\\x1b[31mMECS \\xff\\xfe Lille"), std::string::npos) << text.out;
  const auto json = run(at_broker() + "facility 590000666 --json");
  EXPECT_EQ(json.exit_code, 1) << json.out;
  EXPECT_TRUE(json.out.empty()) << json.out;
  EXPECT_TRUE(one_line(json.err)) << json.err;
  EXPECT_NE(json.err.find("JSON"), std::string::npos) << json.err;

  wire::SearchResultT canned;
  canned.sequence = 5;
  auto match = std::make_unique<wire::MatchT>();
  match->facility_id = "590000666";
  match->name = hostile.facility->name;
  match->phone = hostile.facility->phone;
  match->whole_group = true;
  canned.matches.push_back(std::move(match));
  broker.set_search_result(canned);
  const auto found = run(at_broker() + "find --age 7");
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(found.out.find('\x1b'), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("\\x1b[2J"), std::string::npos) << found.out;
  const auto found_json = run(at_broker() + "find --age 7 --json");
  EXPECT_EQ(found_json.exit_code, 1);
  EXPECT_TRUE(found_json.out.empty()) << found_json.out;
}

// A broker's message is shown escaped too (this fake cites the requested id as is).
TEST_F(DispoCliBrokerTest, ABrokerMessageIsShownEscaped) {
  const auto result = run(at_broker() + "facility \"$(printf '59\\033[2J')\"");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(one_line(result.err)) << result.err;
  EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("59\\x1b[2J"), std::string::npos) << result.err;
}

TEST(DispoCliTest, NanAndInfinitePointsAreRefused) {
  for (const char* near : {"nan,nan", "inf,3.06", "50.63,-inf", "NaN,3"}) {
    const auto result = run(std::string("--broker tcp://127.0.0.1:9 find --age 7 --near ") + near);
    EXPECT_EQ(result.exit_code, 2) << near << ": " << result.err;
    EXPECT_NE(result.err.find("--near"), std::string::npos) << result.err;
  }
  const auto radius = run("--broker tcp://127.0.0.1:9 find --age 7 --near 50.63,3.06 --max-km inf");
  EXPECT_EQ(radius.exit_code, 2) << radius.err;
}

}  // namespace
}  // namespace dispo::cli
