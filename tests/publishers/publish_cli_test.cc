// `dispo-publish` as facility staff run it, against the real broker: what is accepted is stored,
// what is refused changes nothing, and every failure is a French message and a documented exit code.
#include <gtest/gtest.h>

#include <fstream>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

constexpr const char* kHeader =
    "facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,unit_id,age_min,"
    "age_max,sex,installed,max_siblings,specialties,emergency\n";

std::string row(const std::string& id, const std::string& unit, const std::string& authorisation = "autorise") {
  return id + ",Foyer de l'enfance,foyer_urgence,59,59350,50.63,3.06,03 20 11 22 33," + authorisation + "," +
         unit + ",3,17,mixte,12,3,,oui\n";
}

class PublishCliTest : public ::testing::Test {
 protected:
  void SetUp() override { broker_.start(); }

  std::filesystem::path write_csv(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  CommandResult publish(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(),
                     {publish_binary(), "--broker", broker_.api(), "--timeout", "2", "--outbox", (dir_ / "outbox").string()});
    return run_command(arguments);
  }

  // The broker's snapshot (sequence and facilities), read over the api.
  std::unique_ptr<wire::SnapshotT> snapshot() {
    client::Session session(context_, {broker_.api(), std::chrono::seconds(2), 2, "test-reader"});
    wire::RequestBodyUnion body;
    body.Set(wire::SnapshotRequestT{});
    auto reply = session.call(std::move(body));
    EXPECT_TRUE(reply);
    if (!reply) return std::make_unique<wire::SnapshotT>();
    return std::unique_ptr<wire::SnapshotT>((*reply)->body_as_Snapshot()->UnPack());
  }

  const wire::AvailabilityT& availability(const wire::SnapshotT& snapshot, const std::string& facility,
                                          const std::string& unit) {
    for (const auto& state : snapshot.facilities) {
      if (state->facility->id != facility) continue;
      for (const auto& u : state->units) {
        if (u->unit->id == unit) return *u->availability;
      }
    }
    ADD_FAILURE() << facility << "/" << unit << " not in the snapshot";
    static const wire::AvailabilityT none;
    return none;
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data"};
  zmq::context_t context_;
};

TEST_F(PublishCliTest, RegistersAFileThenPublishesAndConfirms) {
  const auto csv = write_csv("ok.csv", std::string(kHeader) + row("590001234", "u1") + row("590001234", "u2") +
                                           row("590005678", "u1"));
  auto registered = publish({"register", csv.string()});
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  EXPECT_NE(registered.out.find("2 établissements, 3 unités enregistrés"), std::string::npos) << registered.out;
  EXPECT_EQ(snapshot()->facilities.size(), 2u);

  auto updated = publish({"update", "590001234", "u2", "--available", "2", "--occupied", "9", "--free-24h", "1"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_NE(updated.out.find("2 disponibles, 9 occupées"), std::string::npos) << updated.out;
  auto after_update = snapshot();
  const auto& counts = availability(*after_update, "590001234", "u2");
  EXPECT_EQ(counts.available, 2);
  EXPECT_EQ(counts.occupied, 9);
  EXPECT_EQ(counts.free_24h, 1);
  EXPECT_GT(counts.confirmed_at, 0);

  const auto confirmed_before = availability(*after_update, "590005678", "u1").confirmed_at;
  auto confirmed = publish({"confirm", "590005678"});
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.err;
  auto after_confirm = snapshot();
  EXPECT_GT(availability(*after_confirm, "590005678", "u1").confirmed_at, confirmed_before);
  EXPECT_EQ(availability(*after_confirm, "590001234", "u2").available, 2) << "confirm changed counts";
}

TEST_F(PublishCliTest, AFileWithOneBadRowRegistersNothing) {
  const auto csv = write_csv("bad.csv", std::string(kHeader) + row("590001234", "u1") +
                                            row("590009999", "u1", "hotel") + row("590005678", "u1"));
  const auto before = snapshot()->sequence;
  auto result = publish({"register", csv.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("rien n'a été enregistré"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("ligne 3"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("L.221-2-3"), std::string::npos) << result.err;
  auto after = snapshot();
  EXPECT_EQ(after->sequence, before);
  EXPECT_TRUE(after->facilities.empty());
}

TEST_F(PublishCliTest, CheckOnlyValidatesWithoutSending) {
  const auto csv = write_csv("ok.csv", std::string(kHeader) + row("590001234", "u1"));
  auto result = publish({"register", "--check", csv.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("rien n'a été envoyé"), std::string::npos) << result.out;
  EXPECT_TRUE(snapshot()->facilities.empty());
}

TEST_F(PublishCliTest, RefusedUpdatesChangeNothingAndSayWhy) {
  ASSERT_EQ(publish({"register", write_csv("ok.csv", std::string(kHeader) + row("590001234", "u1")).string()})
                .exit_code,
            0);
  ASSERT_EQ(publish({"update", "590001234", "u1", "--available", "3", "--occupied", "8"}).exit_code, 0);
  const auto before = snapshot();

  auto inconsistent = publish({"update", "590001234", "u1", "--available", "5"});
  EXPECT_EQ(inconsistent.exit_code, 1);
  EXPECT_NE(inconsistent.err.find("disponibles (5) + occupées (8)"), std::string::npos) << inconsistent.err;
  auto unknown_unit = publish({"update", "590001234", "u7", "--available", "1"});
  EXPECT_EQ(unknown_unit.exit_code, 1);
  EXPECT_NE(unknown_unit.err.find("unité u7 inconnue"), std::string::npos) << unknown_unit.err;
  auto unknown_facility = publish({"confirm", "590000000"});
  EXPECT_EQ(unknown_facility.exit_code, 1);
  EXPECT_NE(unknown_facility.err.find("590000000 inconnu"), std::string::npos) << unknown_facility.err;

  const auto after = snapshot();
  EXPECT_EQ(after->sequence, before->sequence);
  EXPECT_EQ(availability(*after, "590001234", "u1").available, 3);
}

TEST_F(PublishCliTest, WrongUsageIsOneFrenchLineAndExitTwo) {
  for (std::vector<std::string> arguments :
       {std::vector<std::string>{}, {"updte", "590001234", "u1"}, {"update", "590001234", "u1"},
        {"update", "590001234", "u1", "--available", "-1"}, {"update", "590001234", "u1", "--available", "x"},
        {"register"}, {"confirm", "590001234", "--bogus"}}) {
    auto result = publish(arguments);
    EXPECT_EQ(result.exit_code, 2) << ::testing::PrintToString(arguments) << result.err;
    EXPECT_EQ(result.err.rfind("dispo-publish : ", 0), 0u) << result.err;
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << "not one line: " << result.err;
  }
}

TEST(PublishCliUnreachableTest, UnreachableBrokerKeepsTheConfirmationAndExitsFourWithoutHanging) {
  TempDir dir;
  const std::string nowhere = "tcp://127.0.0.1:" + std::to_string(free_port());
  auto result = run_command({publish_binary(), "--broker", nowhere, "--timeout", "0.2", "--outbox",
                             (dir / "outbox").string(), "confirm", "590001234"},
                            std::chrono::seconds(10));
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find("broker injoignable"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("confirmation gardée dans la file d'attente locale"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace dispo::testing
