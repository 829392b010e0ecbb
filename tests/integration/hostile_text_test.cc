// Issue #11 end to end, with the real broker, `dispo` and `dispo-publish`: hostile text (invalid
// UTF-8, 10,000 characters, terminal escape sequences, a huge département, 65,535 installed
// places, NaN points) is refused at the broker and changes nothing, and afterwards
// `dispo find --json` and `dispo facility ID --json` are either refused or valid JSON — never an
// empty success — and no text output carries an ESC byte.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/text_rules.h"
#include "hostile_text.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

class HostileTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.start();
    session_ = std::make_unique<client::Session>(
        context_, client::SessionOptions{broker_.api(), std::chrono::seconds(2), 2, "hostile-text-test"});
  }

  std::uint64_t sequence() {
    wire::RequestBodyUnion body;
    body.Set(wire::SnapshotRequestT{});
    auto reply = session_->call(std::move(body));
    EXPECT_TRUE(reply);
    return reply ? (*reply)->body_as_Snapshot()->sequence() : 0;
  }

  CommandResult dispo(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {dispo_binary(), "--broker", broker_.api()});
    return run_command(arguments);
  }

  // A JSON command either is refused (non-zero, nothing on stdout) or prints valid JSON.
  void expect_refused_or_json(const std::vector<std::string>& arguments, const std::string& what) {
    const auto result = dispo(arguments);
    EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << what;
    if (result.exit_code != 0) {
      EXPECT_TRUE(result.out.empty()) << what << ": " << result.out;
      return;
    }
    EXPECT_FALSE(result.out.empty()) << what << ": exit 0 with empty output";
    EXPECT_FALSE(nlohmann::json::parse(result.out, nullptr, false).is_discarded()) << what << ": " << result.out;
  }

  void expect_no_escape(const std::vector<std::string>& arguments, const std::string& what) {
    const auto result = dispo(arguments);
    EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << what;
    EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << what;
    EXPECT_TRUE(wire::is_valid_utf8(result.out)) << what;
    EXPECT_TRUE(wire::is_valid_utf8(result.err)) << what;
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data"};
  zmq::context_t context_;
  std::unique_ptr<client::Session> session_;
};

TEST_F(HostileTextTest, HostileRegistrationsAreRefusedAndTheOutputsStayValid) {
  ASSERT_TRUE(session_->call(registration_body(plain_facility("590000002"))));
  const std::uint64_t before = sequence();
  for (const auto& hostile : hostile_facilities()) {
    auto reply = session_->call(registration_body(hostile.facility));
    ASSERT_FALSE(reply) << hostile.name << " was accepted";
    EXPECT_EQ(reply.error().status, wire::Status::invalid) << hostile.name << ": " << reply.error().message;
    EXPECT_NE(reply.error().message.find(hostile.field), std::string::npos) << reply.error().message;
    EXPECT_TRUE(wire::is_valid_utf8(reply.error().message)) << hostile.name;
    EXPECT_EQ(reply.error().message.find('\x1b'), std::string::npos) << hostile.name;
    EXPECT_EQ(sequence(), before) << hostile.name << " changed the broker's state";

    const std::string id = hostile.facility.id;
    expect_refused_or_json({"find", "--age", "7", "--dept", "59", "--json"}, hostile.name + ": find --json");
    expect_refused_or_json({"facility", id, "--json"}, hostile.name + ": facility --json");
    expect_no_escape({"find", "--age", "7", "--dept", "59"}, hostile.name + ": find");
    expect_no_escape({"facility", id}, hostile.name + ": facility");
  }
  auto search = session_->call(nan_search_body());
  ASSERT_FALSE(search);
  EXPECT_EQ(search.error().status, wire::Status::invalid);
  // What was registered before is still there, whole.
  const auto found = dispo({"find", "--age", "7", "--dept", "59", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const auto json = nlohmann::json::parse(found.out);
  EXPECT_EQ(json["sequence"], before);
}

TEST_F(HostileTextTest, TheCliRefusesNanPointsAndEscapesWhatTheBrokerCites) {
  const auto nan = dispo({"find", "--age", "7", "--near", "nan,nan"});
  EXPECT_EQ(nan.exit_code, 2) << nan.err;
  const auto lookup = dispo({"facility", "59\x1b[2J\xff"});
  EXPECT_EQ(lookup.exit_code, 1) << lookup.err;
  EXPECT_EQ(lookup.err.find('\x1b'), std::string::npos) << lookup.err;
  EXPECT_NE(lookup.err.find("facility_id"), std::string::npos) << lookup.err;
  EXPECT_TRUE(wire::is_valid_utf8(lookup.err)) << lookup.err;
}

TEST_F(HostileTextTest, DispoPublishRefusesAHostileCsvBeforeSendingIt) {
  const auto path = dir_ / "hostile.csv";
  std::ofstream(path) << "facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,unit_id,age_min,"
                         "age_max,sex,installed,max_siblings,specialties,emergency\n"
                         "590000003,\x1b[2JMECS,mecs,59,59350,nan,3.06,03 20 00 00 00\x1b]0;x\x07,autorise,u1,6,12,"
                         "mixte,65535,3,,non\n";
  const std::uint64_t before = sequence();
  const auto result = run_command({publish_binary(), "--broker", broker_.api(), "--timeout", "2", "--outbox",
                                   (dir_ / "outbox").string(), "register", path.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("name : caractère de contrôle U+001B"), std::string::npos) << result.err;
  EXPECT_EQ(sequence(), before);
}

}  // namespace
}  // namespace dispo::testing
