// End to end, with the real broker and the real `dispo` binary: `dispo capacity --at` a past
// moment gives exactly what `dispo capacity` said at that moment (freshness judged then, not
// now), and `dispo export` writes its CSV and bounds its range.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "report_time.h"
#include "temp_dir.h"
#include "watchers.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

constexpr int kStaleAfterS = 2;  // freshness limit of this test's broker

class ReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.start();
    session_ = std::make_unique<client::Session>(
        context_, client::SessionOptions{broker_.api(), std::chrono::seconds(2), 2, "reports-test"});
  }

  void publish(const std::string& facility, int available) {
    auto done = session_->call(update_of(facility, "u1", available, 10 - available));
    ASSERT_TRUE(done) << done.error().message;
  }

  CommandResult dispo(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {dispo_binary(), "--broker", broker_.api()});
    return run_command(arguments);
  }

  nlohmann::json capacity(std::vector<std::string> arguments = {}) {
    arguments.insert(arguments.begin(), {"capacity", "--dept", "59", "--json"});
    auto result = dispo(arguments);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  }

  static int total(const nlohmann::json& report, const char* column) {
    int sum = 0;
    for (const auto& row : report.value("rows", nlohmann::json::array())) sum += row.value(column, 0);
    return sum;
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data", {"--stale-after", std::to_string(kStaleAfterS)}};
  zmq::context_t context_;
  std::unique_ptr<client::Session> session_;
};

TEST_F(ReportsTest, CapacityAtAPastMomentIsWhatCapacitySaidThen) {
  ASSERT_TRUE(session_->call(registration_of(make_facility("590000001", 1, 10))));
  publish("590000001", 4);
  const nlohmann::json then = capacity();
  ASSERT_FALSE(then.is_discarded());
  // A 0-21 unit counts in each of the 6 age bands; free unless this machine took kStaleAfterS already.
  ASSERT_EQ(total(then, "free") + total(then, "stale"), 4 * 6) << then.dump();
  const std::string at = cli::utc_time_exact(then.at("at").get<std::int64_t>());

  publish("590000001", 1);
  ASSERT_TRUE(session_->call(registration_of(make_facility("590000002", 1, 10))));
  publish("590000002", 3);
  // Wait until the first facility's data is stale now (not confirmed for kStaleAfterS).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4 * kStaleAfterS);
  nlohmann::json now;
  do {
    now = capacity();
  } while (total(now, "stale") == 0 && std::chrono::steady_clock::now() < deadline);
  ASSERT_GT(total(now, "stale"), 0) << now.dump();
  EXPECT_NE(now, then);

  // Rebuilt from the event log: the same report, byte for byte in JSON, freshness judged at `at`.
  const nlohmann::json rebuilt = capacity({"--at", at});
  EXPECT_EQ(rebuilt, then) << "rebuilt: " << rebuilt.dump() << "\nthen: " << then.dump();

  auto text = dispo({"capacity", "--dept", "59", "--at", at});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Capacité du département 59"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("ne pas additionner les tranches"), std::string::npos) << text.out;

  auto future = dispo({"capacity", "--at", "2999-01-01T00:00Z"});
  EXPECT_EQ(future.exit_code, 1);
  EXPECT_NE(future.err.find("futur"), std::string::npos) << future.err;
  auto malformed = dispo({"capacity", "--at", "demain"});
  EXPECT_EQ(malformed.exit_code, 2);
}

TEST_F(ReportsTest, ExportWritesTheCsvAndBoundsItsRange) {
  ASSERT_TRUE(session_->call(registration_of(make_facility("590000001", 1, 10))));
  publish("590000001", 4);
  const std::string today = cli::utc_time_exact(wire::now_ms()).substr(0, 10);
  const auto file = dir_ / "export.csv";
  auto result = dispo({"export", "--from", today, "--to", today, "--dept", "59", "--output", file.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string csv = read_file(file);
  const std::string header =
      "jour,type,installees,libres,reservees,perimees,demandes_en_attente,demandes_ouvertes,demandes_admises\n";
  ASSERT_EQ(csv.rfind(header, 0), 0u) << csv;
  // Free or, on a slow machine, already stale (kStaleAfterS): 4 places either way.
  const std::string row = csv.substr(header.size());
  EXPECT_TRUE(row == today + ",mecs,10,4,0,0,0,0,0\n" || row == today + ",mecs,10,0,0,4,0,0,0\n") << row;

  auto too_long = dispo({"export", "--from", "2025-01-01", "--to", "2026-06-01"});
  EXPECT_EQ(too_long.exit_code, 2);
  EXPECT_NE(too_long.err.find("au plus 366 jours"), std::string::npos) << too_long.err;
}

// A court-ordered request for a 9-year-old boy that no place of the Nord suits: full, too young,
// girls only; the record lists each unit with its reason, says plainly that none suited, and is
// reproduced exactly at the sequence and time it printed. Needs PlacementRequestOpen (main).
TEST_F(ReportsTest, RecordOfARequestWithNoMatch) {
  auto full = make_facility("590000001", 1, 10);
  auto babies = make_facility("590000002", 1, 6);
  babies.units[0]->age_max = 3;
  auto girls = make_facility("590000003", 1, 8);
  girls.units[0]->sex = wire::UnitSex::filles;
  girls.name = "Maison \"<Les Tilleuls>\"";
  auto elsewhere = make_facility("620000001", 1, 8);
  elsewhere.departement = "62";
  for (auto* facility : {&full, &babies, &girls, &elsewhere}) {
    const std::string id = facility->id;
    ASSERT_TRUE(session_->call(registration_of(std::move(*facility))));
    auto published = session_->call(update_of(id, "u1", id == "590000001" ? 0 : 2, id == "590000001" ? 10 : 0));
    ASSERT_TRUE(published) << published.error().message;
  }

  wire::PlacementRequestOpenT open;
  open.request = std::make_unique<wire::PlacementRequestT>();
  auto& request = *open.request;
  request.child_ref = "ENF-2026-0042";
  request.origin = wire::Origin::court;
  request.legal_basis = wire::LegalBasis::opp;
  request.criteria = std::make_unique<wire::SearchQueryT>();
  request.criteria->departement = "59";
  auto boy = std::make_unique<wire::ChildT>();
  boy->age = 9;
  boy->sex = wire::ChildSex::garcon;
  request.criteria->children.push_back(std::move(boy));
  request.waiting_since = wire::now_ms() - 3 * 3'600'000;
  wire::RequestBodyUnion body;
  body.Set(std::move(open));
  auto opened = session_->call(std::move(body));
  ASSERT_TRUE(opened) << opened.error().message;
  const auto* status = (*opened)->body_as_RequestStatus();
  ASSERT_NE(status, nullptr);
  const std::string id = status->request()->id()->str();

  const auto html = dir_ / "releve.html";
  auto text = dispo({"record", id, "--html", html.string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Aucune place adaptée n'existait à ce moment : aucune des 3 unités"), std::string::npos)
      << text.out;
  for (const char* reason : {"complet", "âge", "sexe"}) EXPECT_NE(text.out.find(reason), std::string::npos) << reason;
  EXPECT_EQ(text.out.find("620000001"), std::string::npos) << "another département's unit considered";
  EXPECT_NE(text.out.find("ENF-2026-0042"), std::string::npos);
  EXPECT_NE(text.out.find("demande ouverte"), std::string::npos) << text.out;
  const std::string page = read_file(html);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("Maison &quot;&lt;Les Tilleuls&gt;&quot;"), std::string::npos);
  EXPECT_EQ(page.find("<Les Tilleuls>"), std::string::npos);

  auto json = dispo({"record", id, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto record = nlohmann::json::parse(json.out);
  EXPECT_EQ(record.value("suitable", 0), 0);
  const std::string sequence = std::to_string(record.at("sequence").get<std::uint64_t>());
  const std::string at = cli::utc_time_exact(record.at("at").get<std::int64_t>());
  publish("590000001", 3);  // the world moves on: a place opens
  auto again = dispo({"record", id, "--json", "--at-sequence", sequence, "--at", at});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out), record);
  auto later = dispo({"record", id, "--json"});
  const auto first = nlohmann::json::parse(later.out).at("considered").at(0);
  EXPECT_TRUE(first.value("suitable", false) || first.value("reason", "") == "stale") << first.dump();

  // The judge's aggregate counts the order, without the child's reference.
  const auto aggregate = capacity();
  EXPECT_EQ(aggregate.value("court_unexecuted", 0), 1);
  EXPECT_EQ(aggregate.dump().find("ENF-"), std::string::npos);
}

}  // namespace
}  // namespace dispo::testing
