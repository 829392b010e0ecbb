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
      "jour,type,installees,libres,reservees,perimees,demandes_en_attente,demandes_ouvertes,demandes_admises,"
      "enfants_en_attente,enfants_admis\n";
  ASSERT_EQ(csv.rfind(header, 0), 0u) << csv;
  // Free or, on a slow machine, already stale (kStaleAfterS): 4 places either way.
  const std::string row = csv.substr(header.size());
  EXPECT_TRUE(row == today + ",mecs,10,4,0,0,0,0,0,0,0\n" || row == today + ",mecs,10,0,0,4,0,0,0,0,0\n") << row;

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


// A report over a long event log is answered by the log reader, off the event loop: the broker
// keeps answering searches while it replays, and refuses (unavailable) more than
// LogReader::kMaxInFlight such reports at once instead of queueing without bound.
class LongHistoryTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kEvents = 150'000;
  static constexpr int kUnits = 100;

  // The long log, written once for the suite the way production writes it: a facility registered,
  // then kEvents updates published through the api socket (kept in flight, as a publisher's outbox
  // does), the broker stopped. Each test starts a broker on a copy.
  static void SetUpTestSuite() {
    logged_ = new TempDir();
    BrokerProcess broker(*logged_ / "data");
    broker.start();
    zmq::context_t context;
    client::Session publisher(context, client::SessionOptions{broker.api(), std::chrono::seconds(30), 1, "etab-59"});
    ASSERT_TRUE(publisher.call(registration_of(make_facility("590000001", kUnits, 10))));
    constexpr std::size_t kWindow = 512;
    std::size_t sent = 0, acknowledged = 0;
    while (acknowledged < kEvents) {
      while (sent < kEvents && sent - acknowledged < kWindow) {
        publisher.send(update_of("590000001", "u" + std::to_string(1 + sent % kUnits), static_cast<int>(sent % 10)));
        ++sent;
      }
      auto reply = publisher.receive(std::chrono::seconds(30));
      ASSERT_TRUE(reply) << "no reply after " << acknowledged << " acknowledged updates";
      ASSERT_EQ((*reply)->status(), wire::Status::ok);
      ++acknowledged;
    }
    ASSERT_EQ(broker.stop(), 0);
  }
  static void TearDownTestSuite() {
    delete logged_;
    logged_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(logged_, nullptr);
    std::filesystem::copy(*logged_ / "data", dir_ / "data", std::filesystem::copy_options::recursive);
    broker_ = std::make_unique<BrokerProcess>(dir_ / "data");
    broker_->start(std::chrono::seconds(60));
  }

  // A DEALER that sent `capacity --at now` and has not read the reply yet.
  zmq::socket_t ask_capacity_at_now(std::uint64_t request_id) {
    zmq::socket_t dealer(context_, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.connect(broker_->api());
    flatbuffers::FlatBufferBuilder builder;
    auto capacity = wire::CreateCapacityRequest(builder, builder.CreateString("59"), wire::now_ms());
    auto request = wire::CreateRequest(builder, request_id, builder.CreateString("juge-audience"),
                                       wire::RequestBody::CapacityRequest, capacity.Union());
    wire::finish(builder, request);
    dealer.send(zmq::buffer(builder.GetBufferPointer(), builder.GetSize()), zmq::send_flags::none);
    return dealer;
  }

  // The reply's status, waiting at most `deadline`; nullopt if none came.
  static std::optional<std::pair<wire::Status, std::uint32_t>> reply_of(zmq::socket_t& dealer,
                                                                         std::chrono::milliseconds deadline) {
    zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, deadline) == 0) return std::nullopt;
    zmq::message_t message;
    if (!dealer.recv(message)) return std::nullopt;
    auto decoded = wire::decode(message.data(), message.size());
    if (!decoded || (*decoded)->body_as_Reply() == nullptr) return std::nullopt;
    const auto* reply = (*decoded)->body_as_Reply();
    const auto* report = reply->body_as_CapacityReport();
    std::uint32_t installed = 0;
    if (report != nullptr && report->rows() != nullptr) {
      for (const auto* row : *report->rows()) installed = std::max(installed, row->installed());
    }
    return std::pair{reply->status(), installed};
  }

  static inline TempDir* logged_ = nullptr;
  TempDir dir_;
  zmq::context_t context_;
  std::unique_ptr<BrokerProcess> broker_;
};

TEST_F(LongHistoryTest, SearchesAreAnsweredWhileAReportReplaysTheLog) {
  auto judge = ask_capacity_at_now(1);
  client::Session oncall(context_, client::SessionOptions{broker_->api(), std::chrono::seconds(5), 1, "astreinte"});
  for (int i = 0; i < 20; ++i) {
    wire::SearchQueryT query;
    query.departement = "59";
    query.children.push_back(std::make_unique<wire::ChildT>());
    query.children.back()->age = 8;
    wire::RequestBodyUnion body;
    body.Set(std::move(query));
    auto found = oncall.call(std::move(body));
    ASSERT_TRUE(found) << found.error().message;
  }
  EXPECT_FALSE(reply_of(judge, std::chrono::milliseconds(0)))
      << "the report was answered before 20 searches sent after it: it held up the event loop";
  auto answered = reply_of(judge, std::chrono::seconds(120));
  ASSERT_TRUE(answered) << "the report never came";
  EXPECT_EQ(answered->first, wire::Status::ok);
  EXPECT_EQ(answered->second, 10u * kUnits) << "installed places of the replayed picture";
}

TEST_F(LongHistoryTest, ReportsBeyondTheLimitAreRefusedNotQueued) {
  std::vector<zmq::socket_t> judges;
  for (std::uint64_t i = 1; i <= 12; ++i) judges.push_back(ask_capacity_at_now(i));
  int ok = 0, unavailable = 0;
  for (auto& judge : judges) {
    auto answered = reply_of(judge, std::chrono::seconds(120));
    ASSERT_TRUE(answered);
    if (answered->first == wire::Status::ok) ++ok;
    if (answered->first == wire::Status::unavailable) ++unavailable;
    EXPECT_TRUE(answered->first == wire::Status::ok || answered->first == wire::Status::unavailable)
        << wire::EnumNameStatus(answered->first);
  }
  EXPECT_EQ(ok + unavailable, 12);
  EXPECT_GE(unavailable, 1) << "12 reports at once, at most 8 in flight";
  EXPECT_GE(ok, 8);
}

}  // namespace
}  // namespace dispo::testing
