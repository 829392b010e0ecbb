// Issue #4, authentication and roles: CURVE on every socket, principals by public key, each
// request authorised against its principal, the feed scoped to the principal's territory,
// revocation effective at once. The real dispo-broker, started with a key from `dispo-broker init`.
#include <sys/stat.h>

#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "broker_process.h"
#include "dispo/clients/board.h"
#include "dispo/clients/feed_subscription.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/curve_keys.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using std::chrono::milliseconds;

wire::FacilityT facility_in(const std::string& id, const std::string& departement) {
  auto facility = make_facility(id, 1, 10);
  facility.departement = departement;
  return facility;
}

class SecurityTest : public ::testing::Test {
 protected:
  // Broker flags beyond --curve-key.
  virtual std::vector<std::string> extra_flags() const { return {}; }

  void SetUp() override {
    const auto init = run_command({broker_binary(), "init", "--data", (dir_ / "data").string(), "--keys",
                                   (dir_ / "keys").string(), "--admin", "admin-test"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto broker_public = wire::read_key_file(dir_ / "keys" / "broker.pub", false);
    auto admin = wire::read_key_file(dir_ / "keys" / "admin-test.key", true);
    ASSERT_TRUE(broker_public && admin);
    broker_public_ = broker_public->public_key;
    admin_ = {broker_public_, admin->public_key, admin->secret_key};
    std::vector<std::string> flags = {"--curve-key", (dir_ / "keys" / "broker.key").string()};
    const auto extra = extra_flags();
    flags.insert(flags.end(), extra.begin(), extra.end());
    broker_ = std::make_unique<BrokerProcess>(dir_ / "data", flags);
    broker_->set_probe_keys(admin_);
    broker_->start();

    ASSERT_TRUE(call(admin_, registration_of(facility_in("590000001", "59"))));
    ASSERT_TRUE(call(admin_, registration_of(facility_in("620000001", "62"))));
    ASSERT_TRUE(call(admin_, update_of("590000001", "u1", 3)));
    ASSERT_TRUE(call(admin_, update_of("620000001", "u1", 4)));
  }

  // Grants a principal with fresh keys (or `keys`) and returns those keys.
  client::ClientKeys grant(const std::string& name, wire::Role role, std::vector<std::string> facilities,
                           std::vector<std::string> departements,
                           const wire::CurveKeyPair& keys = wire::generate_key_pair()) {
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

  Result<client::ReplyMessage> call(const client::ClientKeys& keys, wire::RequestBodyUnion body,
                                    milliseconds timeout = milliseconds(3000)) {
    client::Session session(context_, {broker_->api(), timeout, 1, "security-test", keys});
    return session.call(std::move(body));
  }

  static wire::RequestBodyUnion search(const std::string& departement = {}) {
    wire::SearchQueryT query;
    query.departement = departement;
    wire::RequestBodyUnion body;
    body.Set(std::move(query));
    return body;
  }

  static wire::RequestBodyUnion facility_request(const std::string& id) {
    wire::FacilityRequestT request;
    request.facility_id = id;
    wire::RequestBodyUnion body;
    body.Set(std::move(request));
    return body;
  }

  static void expect_forbidden(const Result<client::ReplyMessage>& reply, const std::string& words) {
    ASSERT_FALSE(reply) << "accepted but should be forbidden";
    EXPECT_EQ(reply.error().status, wire::Status::forbidden) << reply.error().message;
    EXPECT_NE(reply.error().message.find(words), std::string::npos) << reply.error().message;
  }

  static std::vector<std::string> facility_ids(const wire::SearchResult& result) {
    std::vector<std::string> ids;
    for (const auto* match : *result.matches()) ids.push_back(match->facility_id()->str());
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  zmq::context_t context_;
  std::string broker_public_;
  client::ClientKeys admin_;
};

TEST_F(SecurityTest, WithoutCurveTheBrokerRefusesToListenBeyondLoopback) {
  TempDir other;
  const auto result = run_command({broker_binary(), "--data", (other / "data").string(), "--api",
                                   "tcp://0.0.0.0:" + std::to_string(free_port())});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("sans CURVE"), std::string::npos) << result.err;
}

TEST_F(SecurityTest, AWorldReadableSecretKeyIsRefused) {
  const auto key = dir_ / "keys" / "broker.key";
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  TempDir other;
  const auto result = run_command({broker_binary(), "--data", (other / "data").string(), "--api",
                                   "tcp://127.0.0.1:" + std::to_string(free_port()), "--curve-key", key.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("chmod 600"), std::string::npos) << result.err;
}

TEST_F(SecurityTest, UnknownKeysAndPlainConnectionsAreRefusedAtTheHandshake) {
  const auto stranger = wire::generate_key_pair();
  auto reply = call({broker_public_, stranger.public_key, stranger.secret_key}, search(), milliseconds(500));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().status, wire::Status::unauthenticated);  // said at once (issue #11)
  auto plain = call({}, search(), milliseconds(500));
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().status, wire::Status::unauthenticated);
  EXPECT_NE(broker_->log().find("unknown key"), std::string::npos) << broker_->log();
}

TEST_F(SecurityTest, AFacilityPublishesOnlyItsOwnUnitsAndIsRecordedAsTheirAuthor) {
  const auto mecs = grant("mecs-1", wire::Role::facility, {"590000001"}, {});
  ASSERT_TRUE(call(mecs, update_of("590000001", "u1", 2)));
  expect_forbidden(call(mecs, update_of("620000001", "u1", 9)), "620000001");
  expect_forbidden(call(mecs, registration_of(facility_in("590000002", "59"))), "administrateurs");
  expect_forbidden(call(mecs, facility_request("620000001")), "propres établissements");

  auto own = call(mecs, facility_request("590000001"));
  ASSERT_TRUE(own) << own.error().message;
  const auto* availability = (*own)->body_as_FacilityState()->units()->Get(0)->availability();
  EXPECT_EQ(availability->available(), 2);
  EXPECT_EQ(availability->confirmed_by()->str(), "mecs-1");
  auto other = call(admin_, facility_request("620000001"));
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)->body_as_FacilityState()->units()->Get(0)->availability()->available(), 4)
      << "a forbidden update changed another facility";
}

TEST_F(SecurityTest, JudgesAndTheObservatoryGetNoFacilityLevelData) {
  const auto judge = grant("juge-lille", wire::Role::judge, {}, {"59"});
  expect_forbidden(call(judge, search()), "agrégats");
  expect_forbidden(call(judge, snapshot_request()), "agrégats");
  expect_forbidden(call(judge, facility_request("590000001")), "agrégats");
  const auto observatory = grant("odpe-59", wire::Role::observatory, {}, {"59"});
  expect_forbidden(call(observatory, search()), "agrégats");
}

TEST_F(SecurityTest, OnCallReadsOnlyItsTerritory) {
  const auto on_call = grant("astreinte-59", wire::Role::on_call, {}, {"59"});
  auto found = call(on_call, search());
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(facility_ids(*(*found)->body_as_SearchResult()), std::vector<std::string>{"590000001"});
  auto everything = call(admin_, search());
  ASSERT_TRUE(everything);
  EXPECT_EQ(facility_ids(*(*everything)->body_as_SearchResult()).size(), 2u);

  expect_forbidden(call(on_call, search("62")), "62");
  expect_forbidden(call(on_call, facility_request("620000001")), "62");
  auto snapshot = call(on_call, snapshot_request());
  ASSERT_TRUE(snapshot);
  const auto* facilities = (*snapshot)->body_as_Snapshot()->facilities();
  ASSERT_EQ(facilities->size(), 1u);
  EXPECT_EQ(facilities->Get(0)->facility()->id()->str(), "590000001");
  expect_forbidden(call(on_call, [] {
                     wire::RequestBodyUnion body;
                     body.Set(wire::PrincipalListRequestT{});
                     return body;
                   }()),
                   "administrateurs");
}

// XPUB cannot tell subscribers apart; the broker grants each subscription only its principal's
// topics, so a subscriber asking for everything still receives its territory only.
TEST_F(SecurityTest, TheFeedCarriesOnlyThePrincipalsTerritory) {
  const auto on_call = grant("astreinte-59", wire::Role::on_call, {}, {"59"});
  zmq::socket_t subscriber(context_, zmq::socket_type::sub);
  subscriber.set(zmq::sockopt::linger, 0);
  client::apply_client_keys(subscriber, on_call);
  subscriber.set(zmq::sockopt::subscribe, "");
  subscriber.connect(broker_->feed());
  // Once a territory heartbeat arrives, the subscription is in place.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::set<std::string> topics;
  bool saw_62_update = false;
  bool admin_done = false;
  while (std::chrono::steady_clock::now() < deadline && !saw_62_update) {
    std::vector<zmq::message_t> frames;
    zmq::pollitem_t item{subscriber.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, milliseconds(100)) > 0) {
      ASSERT_TRUE(zmq::recv_multipart(subscriber, std::back_inserter(frames)));
      topics.insert(frames[0].to_string());
    }
    if (topics.count("hb/59/") && !admin_done) {
      admin_done = true;
      ASSERT_TRUE(call(admin_, update_of("620000001", "u1", 5)));
      grant("autre-principal", wire::Role::on_call, {}, {"62"});  // an "admin" territory event
      ASSERT_TRUE(call(admin_, update_of("590000001", "u1", 1)));
    }
    saw_62_update = topics.count("ev/59/") > 0;
  }
  EXPECT_TRUE(saw_62_update) << "no event of its own territory arrived";
  for (const auto& topic : topics) {
    EXPECT_TRUE(topic == "ev/59/" || topic == "hb/59/" || topic == "hb/*/") << "received " << topic;
  }

  // The client library's board, with the same keys, converges on the territory alone.
  client::BoardOptions options;
  options.broker = broker_->api();
  options.feed = broker_->feed();
  options.keys = on_call;
  options.silence_timeout = std::chrono::seconds(30);
  client::Board board(context_, options);
  auto started = board.start();
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_EQ(board.facilities().size(), 1u);
  ASSERT_TRUE(call(admin_, update_of("590000001", "u1", 6)));
  ASSERT_TRUE(call(admin_, update_of("620000001", "u1", 7)));
  const auto converged = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto available = [&] {
    return board.facilities().at("590000001").units.at(0)->availability->available;
  };
  while (available() != 6 && std::chrono::steady_clock::now() < converged) board.poll(milliseconds(50));
  EXPECT_EQ(available(), 6);
  EXPECT_EQ(board.facilities().count("620000001"), 0u);
  EXPECT_EQ(board.resync_count(), 0u) << board.last_resync_reason();
}

// A member of a cluster refuses a key whose grant it has not applied yet (issue #16), and libzmq
// never dials a feed that refused its key again: that member's feed stayed silent to the
// subscriber for as long as both ran. FeedSubscription (Board, AlertWatch, the web gateway) dials
// it again until the key is taken.
TEST_F(SecurityTest, AFeedThatRefusedAKeyGrantedAMomentLaterIsDialledAgainAndDelivers) {
  const auto pair = wire::generate_key_pair();
  client::FeedSubscription feed(context_, {broker_public_, pair.public_key, pair.secret_key}, 1000);
  feed.subscribe("hb/59/");
  feed.subscribe("ev/59/");
  feed.connect(broker_->feed());
  const auto refused_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (feed.redials() == 0 && std::chrono::steady_clock::now() < refused_by) (void)feed.wait(milliseconds(20));
  ASSERT_GE(feed.redials(), 1u) << "the refusal was not seen, or the feed not dialled again";

  grant("astreinte-59-tardive", wire::Role::on_call, {}, {"59"}, pair);
  std::string topic;
  const auto heard_by = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (topic.empty() && std::chrono::steady_clock::now() < heard_by) {
    if (feed.wait(milliseconds(100)) != client::FeedSubscription::Waited::message) continue;
    std::vector<zmq::message_t> frames;
    ASSERT_TRUE(zmq::recv_multipart(feed.socket(), std::back_inserter(frames)));
    topic = frames.at(0).to_string();
  }
  EXPECT_TRUE(topic == "hb/59/" || topic == "ev/59/") << "nothing of its territory came once granted: \"" << topic
                                                      << "\"\n" << broker_->log();
}

// Placement requests (issue #3): a hospital opens hospital requests and follows only its own;
// on-call services see and hold within their territory; a facility declines a hold on its own
// units; judges never touch child-level data.
TEST_F(SecurityTest, PlacementRequestsFollowRoleAndScope) {
  const auto hospital = grant("chu-lille", wire::Role::hospital, {}, {"59"});
  const auto other_hospital = grant("ch-roubaix", wire::Role::hospital, {}, {"59"});
  const auto on_call = grant("astreinte-59", wire::Role::on_call, {}, {"59"});
  const auto on_call_62 = grant("astreinte-62", wire::Role::on_call, {}, {"62"});
  const auto judge = grant("juge-lille", wire::Role::judge, {}, {"59"});
  const auto mecs = grant("mecs-1", wire::Role::facility, {"590000001"}, {});

  auto opened = call(hospital, open_of("H59-0001", {3}, wire::Origin::hospital));
  ASSERT_TRUE(opened) << opened.error().message;
  const std::string id = (*opened)->body_as_RequestStatus()->request()->id()->str();
  EXPECT_EQ((*opened)->body_as_RequestStatus()->request()->created_by()->str(), "chu-lille");
  expect_forbidden(call(hospital, open_of("H59-0002", {3}, wire::Origin::court)), "hôpital");
  expect_forbidden(call(judge, open_of("J59-0001", {3})), "réservées");

  auto show = [](const std::string& request_id) {
    wire::PlacementRequestQueryT query;
    query.id = request_id;
    wire::RequestBodyUnion body;
    body.Set(std::move(query));
    return body;
  };
  auto list = [] {
    wire::RequestBodyUnion body;
    body.Set(wire::PlacementRequestQueryT{});
    return body;
  };
  EXPECT_TRUE(call(hospital, show(id)));
  expect_forbidden(call(other_hospital, show(id)), "qu'il a ouvertes");
  auto others = call(other_hospital, list());
  ASSERT_TRUE(others);
  EXPECT_EQ((*others)->body_as_RequestList()->requests()->size(), 0u);
  auto seen = call(on_call, list());
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)->body_as_RequestList()->requests()->size(), 1u);
  expect_forbidden(call(on_call_62, show(id)), "territoire");

  expect_forbidden(call(hospital, hold_of("590000001", "u1", id)), "astreinte");
  expect_forbidden(call(on_call_62, hold_of("590000001", "u1", id)), "territoire");
  auto held = call(on_call, hold_of("590000001", "u1", id));
  ASSERT_TRUE(held) << held.error().message;
  const std::string hold_id = (*held)->body_as_HoldResult()->hold()->id()->str();
  expect_forbidden(call(mecs, end_of(hold_id, wire::HoldState::released)), "libère pas");
  auto declined = call(mecs, end_of(hold_id, wire::HoldState::declined, wire::RefusalReason::age));
  ASSERT_TRUE(declined) << declined.error().message;
  EXPECT_EQ((*declined)->body_as_HoldResult()->request()->refusals()->Get(0)->by()->str(), "mecs-1");
}

TEST_F(SecurityTest, ARevokedKeyIsRefusedFromThenOn) {
  const auto on_call = grant("astreinte-revoquee", wire::Role::on_call, {}, {"59"});
  client::Session session(context_, {broker_->api(), milliseconds(3000), 1, "kept-open", on_call});
  ASSERT_TRUE(session.call(search()));

  wire::PrincipalRevokeT revoke;
  revoke.name = "astreinte-revoquee";
  wire::RequestBodyUnion body;
  body.Set(std::move(revoke));
  ASSERT_TRUE(call(admin_, std::move(body)));

  // Its open connection: every request refused. A new connection: refused at the handshake.
  auto again = session.call(search());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, wire::Status::forbidden);
  EXPECT_NE(again.error().message.find("révoquée"), std::string::npos) << again.error().message;
  auto fresh = call(on_call, search(), milliseconds(500));
  ASSERT_FALSE(fresh);
  EXPECT_EQ(fresh.error().status, wire::Status::unauthenticated);

  // Revocation survives a restart.
  broker_->stop();
  broker_->start();
  auto after_restart = call(on_call, search(), milliseconds(500));
  ASSERT_FALSE(after_restart);
  EXPECT_TRUE(call(admin_, search()));
}

TEST_F(SecurityTest, TheLastAdminCannotBeRevoked) {
  wire::PrincipalRevokeT revoke;
  revoke.name = "admin-test";
  wire::RequestBodyUnion body;
  body.Set(std::move(revoke));
  auto reply = call(admin_, std::move(body));
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().message.find("dernier administrateur"), std::string::npos) << reply.error().message;
  EXPECT_TRUE(call(admin_, search()));
}

// The operator's path, with the real command lines: dispo-admin grants an on-call principal (its
// keys written with mode 600), the on-call worker searches with them, dispo-admin revokes it.
// Under CURVE the principal owns its alerts: the hospital that opens a request from the command
// line is alerted by its own `dispo watch` (keys, no client id involved); another hospital has no
// alert of it.
TEST_F(SecurityTest, AHospitalWatchesTheAlertsOfItsOwnRequests) {
  const std::string keys = (dir_ / "keys").string();
  auto granted = run_command({DISPO_ADMIN_BIN, "grant", "chu-lille", "--role", "hospital", "--dept", "59", "--out",
                              keys, "--broker", broker_->api(), "--key", keys + "/admin-test.key", "--broker-key",
                              keys + "/broker.pub"});
  ASSERT_EQ(granted.exit_code, 0) << granted.err;
  const auto other_hospital = grant("ch-roubaix", wire::Role::hospital, {}, {"59"});
  auto as_hospital = [&](std::vector<std::string> args) {
    args.insert(args.begin(), dispo_binary());
    for (const std::string& extra : {std::string("--broker"), broker_->api(), std::string("--key"),
                                     keys + "/chu-lille.key", std::string("--broker-key"), keys + "/broker.pub"}) {
      args.push_back(extra);
    }
    return run_command(args, std::chrono::seconds(20));
  };
  auto opened = as_hospital({"request", "discharge", "--child", "H59-0777", "--dept", "59", "--age", "2"});
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_NE(opened.out.find("par chu-lille"), std::string::npos) << opened.out;

  auto watched = as_hospital({"watch", "--feed", broker_->feed(), "--count", "1", "--json"});
  ASSERT_EQ(watched.exit_code, 0) << watched.err;
  auto alert = nlohmann::json::parse(watched.out, nullptr, false);
  ASSERT_FALSE(alert.is_discarded()) << watched.out;
  EXPECT_EQ(alert.value("number", 0), 1);
  EXPECT_EQ(alert.value("kind", std::string()), "request_changed");

  wire::RequestBodyUnion fetch;
  fetch.Set(wire::AlertFetchT{});
  auto theirs = call(other_hospital, std::move(fetch));
  ASSERT_TRUE(theirs) << theirs.error().message;
  EXPECT_EQ((*theirs)->body_as_AlertList()->alerts()->size(), 0u);
}

TEST_F(SecurityTest, TheOperatorGrantsAndRevokesWithDispoAdmin) {
  const std::string keys = (dir_ / "keys").string();
  const std::vector<std::string> as_admin = {"--broker", broker_->api(), "--key", keys + "/admin-test.key",
                                             "--broker-key", keys + "/broker.pub", "--timeout", "1"};
  auto admin = [&](std::vector<std::string> args) {
    args.insert(args.begin(), DISPO_ADMIN_BIN);
    args.insert(args.end(), as_admin.begin(), as_admin.end());
    return run_command(args);
  };
  auto granted = admin({"grant", "astreinte-59", "--role", "on_call", "--dept", "59", "--out", keys});
  ASSERT_EQ(granted.exit_code, 0) << granted.err;
  struct stat info {};
  ASSERT_EQ(::stat((keys + "/astreinte-59.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const std::vector<std::string> find = {dispo_binary(), "find", "--json", "--broker", broker_->api(), "--key",
                                         keys + "/astreinte-59.key", "--broker-key", keys + "/broker.pub",
                                         "--timeout", "1"};
  auto found = run_command(find);
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_NE(found.out.find("590000001"), std::string::npos) << found.out;
  EXPECT_EQ(found.out.find("620000001"), std::string::npos) << "outside its territory: " << found.out;

  auto listed = admin({"list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("astreinte-59"), std::string::npos) << listed.out;

  ASSERT_EQ(admin({"revoke", "astreinte-59"}).exit_code, 0);
  auto refused = run_command(find);  // a revoked key: exit 5, authentication refused
  EXPECT_EQ(refused.exit_code, 5) << refused.out;
  EXPECT_NE(refused.err.find("clé"), std::string::npos) << refused.err;

  // Not an admin: refused, with the reason.
  auto not_admin = run_command({DISPO_ADMIN_BIN, "list", "--broker", broker_->api(), "--key",
                                keys + "/astreinte-59.key", "--broker-key", keys + "/broker.pub", "--timeout", "1"});
  EXPECT_NE(not_admin.exit_code, 0);
  auto bad_key = run_command({dispo_binary(), "find", "--broker", broker_->api(), "--key", keys + "/missing.key",
                              "--broker-key", keys + "/broker.pub"});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_NE(bad_key.err.find("missing.key"), std::string::npos) << bad_key.err;
}

// Under CURVE the rate limit is the principal's, whatever the number of its connections: four
// connections of one principal share one bucket, and another principal is still served.
class SecurityRateTest : public SecurityTest {
 protected:
  std::vector<std::string> extra_flags() const override { return {"--peer-rate", "20", "--peer-burst", "20"}; }
};

TEST_F(SecurityRateTest, ThePrincipalNotTheConnectionIsRateLimited) {
  const auto on_call = grant("astreinte-59", wire::Role::on_call, {}, {"59"});
  std::vector<std::unique_ptr<client::Session>> connections;
  for (int i = 0; i < 4; ++i) {
    connections.push_back(std::make_unique<client::Session>(
        context_, client::SessionOptions{broker_->api(), milliseconds(3000), 1, "c" + std::to_string(i), on_call}));
  }
  int limited = 0;
  std::string message;
  for (int round = 0; round < 60; ++round) {  // 240 requests, 60 per connection; the bucket holds 20
    for (auto& connection : connections) {
      auto reply = connection->call(search("59"));
      if (!reply && reply.error().status == wire::Status::rate_limited) {
        ++limited;
        message = reply.error().message;
      }
    }
  }
  EXPECT_GT(limited, 0) << "240 requests of one principal over 4 connections, 20 per second allowed";
  EXPECT_NE(message.find("toutes connexions confondues"), std::string::npos) << message;
  EXPECT_TRUE(call(admin_, search("59"))) << "another principal is still served";
}

// A gateway carries many people on one principal: what it sends on behalf of a person counts
// against that person, so one person drained does not silence the others (issue #13 × #11).
TEST_F(SecurityRateTest, AGatewaysPeopleEachHaveTheirOwnBudget) {
  const auto gateway = grant("dispo-web", wire::Role::gateway, {}, {});
  for (const std::string name : {"astreinte-59", "astreinte-59-nuit"}) {
    grant(name, wire::Role::on_call, {}, {"59"});
    wire::WebAccountResetT reset;
    reset.name = name;
    reset.code_hash = std::string(64, 'a');
    wire::RequestBodyUnion body;
    body.Set(std::move(reset));
    auto made = call(admin_, std::move(body));
    ASSERT_TRUE(made) << made.error().message;
  }
  client::Session session(context_, {broker_->api(), milliseconds(3000), 1, "web", gateway});
  int limited = 0;
  for (int i = 0; i < 60; ++i) {  // the bucket holds 20
    auto reply = session.call_for("astreinte-59", search("59"));
    if (!reply && reply.error().status == wire::Status::rate_limited) ++limited;
  }
  EXPECT_GT(limited, 0) << "60 searches for one person, 20 per second allowed";
  for (int i = 0; i < 10; ++i) {
    auto reply = session.call_for("astreinte-59-nuit", search("59"));
    EXPECT_TRUE(reply) << "another person behind the same gateway: " << reply.error().message;
  }
}

}  // namespace
}  // namespace dispo::testing
