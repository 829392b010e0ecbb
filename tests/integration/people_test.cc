// Issue #10, "What the people involved must see", with the real dispo-broker under CURVE and the
// real `dispo` command line run with each person's key: a facility is alerted of every hold on its
// places and reads for whom (and nothing more); a judge reads the court-ordered requests of its
// territory and their written record, and a refusal gives its real reason; a hospital's request
// entered two days after the child was ready escalates at the broker's next pass.
#include <ctime>
#include <optional>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/alert_watch.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/curve_keys.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

class PeopleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto init = run_command({broker_binary(), "init", "--data", (dir_ / "data").string(), "--keys",
                                   keys_dir().string(), "--admin", "admin-test"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto broker_public = wire::read_key_file(keys_dir() / "broker.pub", false);
    auto admin = wire::read_key_file(keys_dir() / "admin-test.key", true);
    ASSERT_TRUE(broker_public && admin);
    broker_public_ = broker_public->public_key;
    admin_ = {broker_public_, admin->public_key, admin->secret_key};
    broker_ = std::make_unique<BrokerProcess>(
        dir_ / "data", std::vector<std::string>{"--curve-key", (keys_dir() / "broker.key").string(), "--heartbeat-ms", "100"});
    broker_->set_probe_keys(admin_);
    broker_->start();
    auto in_59 = make_facility("590000001", 2, 10);
    in_59.name = "MECS Les Tilleuls";
    in_59.phone = "03 20 11 22 33";
    in_59.units[0]->specialties = {wire::Specialty::soins_psy};  // the second child's own need
    ASSERT_TRUE(call(admin_, registration_of(std::move(in_59))));
    ASSERT_TRUE(call(admin_, registration_of(make_facility("590000002", 1, 10))));
    auto in_62 = make_facility("620000001", 1, 10);
    in_62.departement = "62";
    ASSERT_TRUE(call(admin_, registration_of(std::move(in_62))));
    ASSERT_TRUE(call(admin_, update_of("590000001", "u1", 5, 0)));
  }

  std::filesystem::path keys_dir() const { return dir_ / "keys"; }

  // Grants `name` a fresh key pair, written to keys/<name>.key for the command line.
  client::ClientKeys grant(const std::string& name, wire::Role role, std::vector<std::string> facilities,
                           std::vector<std::string> departements) {
    const auto keys = wire::generate_key_pair();
    EXPECT_TRUE(wire::write_key_file(keys_dir() / (name + ".key"), keys, name));
    wire::PrincipalGrantT grant;
    grant.principal = std::make_unique<wire::PrincipalT>();
    grant.principal->name = name;
    grant.principal->public_key = keys.public_key;
    grant.principal->role = role;
    grant.principal->facilities = std::move(facilities);
    grant.principal->departements = std::move(departements);
    wire::RequestBodyUnion body;
    body.Set(std::move(grant));
    auto reply = call(admin_, std::move(body));
    EXPECT_TRUE(reply) << reply.error().message;
    return {broker_public_, keys.public_key, keys.secret_key};
  }

  Result<client::ReplyMessage> call(const client::ClientKeys& keys, wire::RequestBodyUnion body) {
    client::Session session(context_, {broker_->api(), 3000ms, 1, "people-test", keys});
    return session.call(std::move(body));
  }

  // `dispo ARGS` run with the key of `name`.
  CommandResult dispo_as(const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(), {dispo_binary(), "--broker", broker_->api(), "--key", (keys_dir() / (name + ".key")).string(),
                               "--broker-key", (keys_dir() / "broker.pub").string()});
    return run_command(args, 20s);
  }

  // Opens a request as `keys` and returns its id.
  std::string open(const client::ClientKeys& keys, wire::RequestBodyUnion body) {
    auto opened = call(keys, std::move(body));
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? (*opened)->body_as_RequestStatus()->request()->id()->str() : std::string();
  }

  static wire::RequestBodyUnion request_in(const std::string& child_ref, const std::string& departement,
                                           wire::Origin origin, wire::LegalBasis basis) {
    auto body = open_of(child_ref, {4, 7}, origin);
    auto& request = *body.AsPlacementRequestOpen()->request;
    request.legal_basis = basis;
    request.criteria->departement = departement;
    request.note = "famille connue du service, voisinage signalé";
    request.criteria->near_lat = 50.61;
    request.criteria->near_lon = 3.04;
    request.criteria->children[0]->sex = wire::ChildSex::fille;
    request.criteria->children[1]->needs = {wire::Specialty::soins_psy};
    return body;
  }

  std::string hold(const client::ClientKeys& keys, const std::string& request, std::uint32_t seconds = 7200) {
    auto held = call(keys, hold_of("590000001", "u1", request, seconds));
    EXPECT_TRUE(held) << held.error().message;
    return held ? (*held)->body_as_HoldResult()->hold()->id()->str() : std::string();
  }

  // The next alert of `watch` whose message contains `words` (skipping others), within 10 s.
  static std::optional<wire::AlertT> next_alert(client::AlertWatch& watch, const std::string& words) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto got = watch.poll(200ms);
      EXPECT_TRUE(got) << got.error().message;
      if (!got) return std::nullopt;
      for (auto& alert : *got) {
        if (alert.message.find(words) != std::string::npos) return alert;
      }
    }
    ADD_FAILURE() << "no alert saying « " << words << " » within 10 s";
    return std::nullopt;
  }

  client::AlertWatch watch_of(const client::ClientKeys& keys) {
    client::AlertWatchOptions options;
    options.session = client::SessionOptions{broker_->api(), 3000ms, 2, "people-watch", keys};
    options.feed = broker_->feed();
    return client::AlertWatch(context_, options);
  }

  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  zmq::context_t context_;
  std::string broker_public_;
  client::ClientKeys admin_;
};

TEST_F(PeopleTest, AFacilityIsAlertedOfEveryHoldOnItsPlacesAndReadsForWhomAndNothingMore) {
  const auto on_call = grant("astreinte-59", wire::Role::on_call, {}, {"59"});
  const auto mecs = grant("mecs-tilleuls", wire::Role::facility, {"590000001"}, {});
  const auto other = grant("mecs-autre", wire::Role::facility, {"590000002"}, {});
  const std::string id = open(on_call, request_in("E59-0042", "59", wire::Origin::on_call, wire::LegalBasis::opp));
  const std::string hold_id = hold(on_call, id);

  // The facility's own `dispo watch`: says what it waits for, then the hold, with the phone.
  auto watched = dispo_as("mecs-tilleuls", {"watch", "--feed", broker_->feed(), "--count", "1"});
  ASSERT_EQ(watched.exit_code, 0) << watched.err;
  EXPECT_NE(watched.err.find("en attente des alertes"), std::string::npos) << watched.err;
  EXPECT_NE(watched.err.find("aucun abonnement"), std::string::npos) << watched.err;
  EXPECT_NE(watched.out.find("alerte 1"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("place réservée"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find(hold_id), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("enfants de 4 et 7 ans"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("unité u1"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("tél. 03 20 11 22 33"), std::string::npos) << watched.out;

  // For whom: `dispo request show`, the restricted view.
  auto shown = dispo_as("mecs-tilleuls", {"request", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const std::string& words : {std::string("E59-0042"), std::string("OPP"), std::string("4 ans (fille)"),
                                   std::string("7 ans (soins psychiques)"), hold_id}) {
    EXPECT_NE(shown.out.find(words), std::string::npos) << words << " missing:\n" << shown.out;
  }
  for (const std::string& words : {std::string("famille connue"), std::string("astreinte-59"), std::string("50,61"),
                                   std::string("Origine")}) {
    EXPECT_EQ(shown.out.find(words), std::string::npos) << words << " shown to the facility:\n" << shown.out;
  }
  auto json = dispo_as("mecs-tilleuls", {"request", "show", id, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto parsed = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << json.out;
  const auto& status = parsed["requests"][0];
  EXPECT_EQ(status.value("restricted", false), true) << json.out;
  EXPECT_EQ(status["request"].value("child_ref", std::string()), "E59-0042");
  EXPECT_EQ(status["request"].value("note", std::string()), "") << json.out;
  EXPECT_EQ(status["request"].value("created_by", std::string()), "") << json.out;
  auto listed = dispo_as("mecs-tilleuls", {"request", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;

  // Not its hold, not its record.
  auto foreign = dispo_as("mecs-autre", {"request", "show", id});
  EXPECT_EQ(foreign.exit_code, 1) << foreign.out;
  EXPECT_NE(foreign.err.find("une de ses places est réservée"), std::string::npos) << foreign.err;
  auto record = dispo_as("mecs-tilleuls", {"record", id});
  EXPECT_EQ(record.exit_code, 1) << record.out;
  EXPECT_NE(record.err.find("relevé écrit"), std::string::npos) << record.err;

  // Admitted, released, expired: each one alerted, live.
  client::AlertWatch watch = watch_of(mecs);
  ASSERT_TRUE(watch.start());
  ASSERT_TRUE(call(on_call, end_of(hold_id, wire::HoldState::admitted)));
  auto admitted = next_alert(watch, "admission enregistrée");
  ASSERT_TRUE(admitted);
  EXPECT_EQ(admitted->kind, wire::AlertKind::hold_changed);
  EXPECT_EQ(admitted->hold_id, hold_id);
  EXPECT_EQ(admitted->phone, "03 20 11 22 33");

  const std::string second = open(on_call, request_in("E59-0043", "59", wire::Origin::on_call, wire::LegalBasis::opp));
  ASSERT_TRUE(call(on_call, end_of(hold(on_call, second), wire::HoldState::released)));
  EXPECT_TRUE(next_alert(watch, "libérée par astreinte-59"));
  const std::string third = open(on_call, request_in("E59-0044", "59", wire::Origin::on_call, wire::LegalBasis::opp));
  const std::string expiring = hold(on_call, third, 1);
  auto expired = next_alert(watch, "expirée");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->hold_id, expiring);

  wire::RequestBodyUnion fetch;
  fetch.Set(wire::AlertFetchT{});
  auto theirs = call(other, std::move(fetch));
  ASSERT_TRUE(theirs) << theirs.error().message;
  EXPECT_EQ((*theirs)->body_as_AlertList()->alerts()->size(), 0u) << "another facility hears nothing of it";
}

TEST_F(PeopleTest, AJudgeReadsTheCourtRequestsOfItsTerritoryAndTheirRecord) {
  const auto on_call = grant("astreinte-59", wire::Role::on_call, {}, {"59"});
  const auto on_call_62 = grant("astreinte-62", wire::Role::on_call, {}, {"62"});
  grant("juge-lille", wire::Role::judge, {}, {"59"});
  const std::string court = open(on_call, request_in("E59-0100", "59", wire::Origin::court, wire::LegalBasis::judgment_375));
  const std::string administrative =
      open(on_call, request_in("E59-0101", "59", wire::Origin::on_call, wire::LegalBasis::administrative));
  const std::string elsewhere = open(on_call_62, request_in("E62-0100", "62", wire::Origin::court, wire::LegalBasis::opp));

  // Regression: a dept-59 judge asking for a dept-59 court request was told "not in its territory".
  auto shown = dispo_as("juge-lille", {"request", "show", court});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("E59-0100"), std::string::npos) << shown.out;
  auto listed = dispo_as("juge-lille", {"request", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(court), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(administrative + " "), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(elsewhere + " "), std::string::npos) << listed.out;
  auto record = dispo_as("juge-lille", {"record", court});
  ASSERT_EQ(record.exit_code, 0) << record.err;
  EXPECT_NE(record.out.find(court), std::string::npos) << record.out;

  auto not_court = dispo_as("juge-lille", {"request", "show", administrative});
  EXPECT_EQ(not_court.exit_code, 1) << not_court.out;
  EXPECT_NE(not_court.err.find("demandes judiciaires"), std::string::npos) << not_court.err;
  EXPECT_EQ(not_court.err.find("territoire"), std::string::npos) << "the territory is its own: " << not_court.err;
  auto other_territory = dispo_as("juge-lille", {"request", "show", elsewhere});
  EXPECT_EQ(other_territory.exit_code, 1) << other_territory.out;
  EXPECT_NE(other_territory.err.find("département 62, hors de son territoire"), std::string::npos)
      << other_territory.err;
  auto cancel = dispo_as("juge-lille", {"request", "cancel", court});
  EXPECT_EQ(cancel.exit_code, 1) << cancel.out;
  EXPECT_NE(cancel.err.find("un juge les consulte seulement"), std::string::npos) << cancel.err;
}

TEST_F(PeopleTest, AHospitalsRequestEnteredTwoDaysLateEscalatesAtTheNextPass) {
  const auto hospital = grant("chu-lille", wire::Role::hospital, {}, {"59"});
  const std::time_t ready = std::time(nullptr) - 2 * 24 * 3600;
  std::tm utc{};
  gmtime_r(&ready, &utc);
  char since[32];
  std::strftime(since, sizeof since, "%Y-%m-%dT%H:%MZ", &utc);
  client::AlertWatch watch = watch_of(hospital);
  ASSERT_TRUE(watch.start());
  auto opened = dispo_as("chu-lille", {"request", "discharge", "--child", "H59-0815", "--dept", "59", "--age", "1",
                                       "--ready-since", since, "--escalate-after", "2m"});
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  auto escalated = next_alert(watch, "seuil d'escalade dépassé");
  ASSERT_TRUE(escalated);
  EXPECT_EQ(escalated->kind, wire::AlertKind::request_waiting);
  EXPECT_NE(escalated->message.find("depuis 48 h"), std::string::npos) << escalated->message;
}

}  // namespace
}  // namespace dispo::testing
