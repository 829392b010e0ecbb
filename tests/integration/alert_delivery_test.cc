// Alerts end to end, with the real broker (issue #3 "Alerts"): a saved search is alerted when a
// place newly matches and only then; a territory threshold is edge-triggered; a facility going
// stale is alerted once; alerts missed while away are delivered by `dispo watch` exactly once, in
// order, and the cursor, numbering and subscriptions survive a restart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/alert_watch.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "watchers.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

class AlertDeliveryTest : public ::testing::Test {
 protected:
  // Broker flags of the test; the default freshness limit (12 h) keeps stale alerts out of the way.
  virtual std::vector<std::string> broker_flags() const { return {"--heartbeat-ms", "100"}; }

  void SetUp() override {
    broker_ = std::make_unique<BrokerProcess>(dir_ / "data", broker_flags());
    broker_->start();
    admin_ = session("publisher");
    ASSERT_TRUE(admin_->call(registration_of(make_facility("590000001", 2, 10))));
  }

  std::unique_ptr<client::Session> session(const std::string& client_id) {
    return std::make_unique<client::Session>(context_,
                                             client::SessionOptions{broker_->api(), 2s, 2, client_id});
  }

  void set_available(const std::string& unit, int available, const std::string& facility = "590000001") {
    auto done = admin_->call(update_of(facility, unit, available, 0));
    ASSERT_TRUE(done) << done.error().message;
  }

  static wire::RequestBodyUnion subscribe_body(wire::SubscriptionT subscription) {
    wire::SubscribeT subscribe;
    subscribe.subscription = std::make_unique<wire::SubscriptionT>(std::move(subscription));
    wire::RequestBodyUnion body;
    body.Set(std::move(subscribe));
    return body;
  }

  static wire::SubscriptionT search_for_age(int age) {
    wire::SubscriptionT subscription;
    subscription.kind = wire::SubscriptionKind::search;
    subscription.query = std::make_unique<wire::SearchQueryT>();
    subscription.query->departement = "59";
    auto child = std::make_unique<wire::ChildT>();
    child->age = static_cast<std::uint8_t>(age);
    subscription.query->children.push_back(std::move(child));
    return subscription;
  }

  std::string subscribe(client::Session& who, wire::SubscriptionT subscription) {
    auto reply = who.call(subscribe_body(std::move(subscription)));
    EXPECT_TRUE(reply) << (reply ? "" : reply.error().message);
    if (!reply || (*reply)->body_as_Subscription() == nullptr) return {};
    return (*reply)->body_as_Subscription()->id()->str();
  }

  // Every alert of the session's owner after `after` (the store's truth, no cursor involved).
  std::vector<wire::AlertT> alerts(client::Session& who, std::uint64_t after = 0) {
    wire::AlertFetchT fetch;
    fetch.after = after;
    wire::RequestBodyUnion body;
    body.Set(std::move(fetch));
    auto reply = who.call(std::move(body));
    EXPECT_TRUE(reply);
    std::vector<wire::AlertT> out;
    if (!reply || (*reply)->body_as_AlertList() == nullptr) return out;
    std::unique_ptr<wire::AlertListT> list((*reply)->body_as_AlertList()->UnPack());
    for (auto& alert : list->alerts) out.push_back(*alert);
    return out;
  }

  static std::vector<wire::AlertKind> kinds(const std::vector<wire::AlertT>& list) {
    std::vector<wire::AlertKind> out;
    for (const auto& alert : list) out.push_back(alert.kind);
    return out;
  }

  CommandResult dispo(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {dispo_binary(), "--broker", broker_->api()});
    return run_command(arguments, 20s);
  }

  // Numbers of the alerts printed by `dispo watch --json`, one object per line.
  static std::vector<std::uint64_t> printed_numbers(const std::string& out) {
    std::vector<std::uint64_t> numbers;
    std::size_t start = 0;
    while (start < out.size()) {
      const auto end = out.find('\n', start);
      auto line = nlohmann::json::parse(out.substr(start, end - start), nullptr, false);
      EXPECT_FALSE(line.is_discarded()) << out;
      if (!line.is_discarded()) numbers.push_back(line.value("number", std::uint64_t{0}));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return numbers;
  }

  // The client "nuit" saves a search for an 8-year-old.
  void night_watcher_subscribes() {
    auto subscribed = dispo({"subscribe", "--client-id", "nuit", "search", "--dept", "59", "--age", "8"});
    ASSERT_EQ(subscribed.exit_code, 0) << subscribed.err;
  }

  // `dispo watch` for the client "nuit", running in the background until it printed `count`
  // alerts; its stdout and stderr go to watch_log().
  Process background_watch(int count) {
    return Process::start({dispo_binary(), "--broker", broker_->api(), "--timeout", "0.5", "watch", "--client-id",
                           "nuit", "--feed", broker_->feed(), "--count", std::to_string(count)},
                          watch_log().string());
  }
  std::filesystem::path watch_log() const { return dir_ / "watch.log"; }

  // True once the watch printed `words` (30 s at most), else a failure showing what it printed.
  bool watch_shows(const std::string& words) {
    const bool shown = file_says(watch_log(), words, 30s);
    EXPECT_TRUE(shown) << "« " << words << " » never shown:\n" << read_file(watch_log());
    return shown;
  }

  zmq::context_t context_;
  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  std::unique_ptr<client::Session> admin_;
};

TEST_F(AlertDeliveryTest, PlaceMatchesOnlyWhenAPlaceNewlyMatches) {
  auto oncall = session("astreinte-1");
  const std::string id = subscribe(*oncall, search_for_age(8));
  ASSERT_EQ(id.rfind("S-", 0), 0u);

  set_available("u1", 1);  // 0 -> 1: newly matches
  set_available("u1", 2);  // more places, but it already matched
  set_available("u1", 1);  // down
  set_available("u1", 1);  // unchanged
  set_available("u2", 3);  // another unit of a facility that already matches
  set_available("u1", 0);
  set_available("u2", 0);  // the facility no longer matches
  set_available("u2", 1);  // newly matches again

  const auto list = alerts(*oncall);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].number, 1u);
  EXPECT_EQ(list[0].kind, wire::AlertKind::place_matches);
  EXPECT_EQ(list[0].facility_id, "590000001");
  EXPECT_EQ(list[0].unit_id, "u1");
  EXPECT_EQ(list[0].subscription_id, id);
  EXPECT_NE(list[0].message.find("590000001"), std::string::npos) << list[0].message;
  EXPECT_EQ(list[1].number, 2u);
  EXPECT_EQ(list[1].unit_id, "u2");
}

// Issue #10: one alert per change per person. A place answering both a saved search and a
// request the same person opened is announced once, naming both, with the unit and the phone.
TEST_F(AlertDeliveryTest, APlaceAnsweringASearchAndARequestIsAnnouncedOnceNamingBoth) {
  auto oncall = session("astreinte-7");
  const std::string search = subscribe(*oncall, search_for_age(8));
  auto opened = oncall->call(open_of("E59-0808", {8}));
  ASSERT_TRUE(opened) << opened.error().message;
  const std::string request = (*opened)->body_as_RequestStatus()->request()->id()->str();
  const std::size_t before = alerts(*oncall).size();  // "demande ouverte"

  set_available("u1", 1);
  const auto list = alerts(*oncall, before);
  ASSERT_EQ(list.size(), 1u) << "one change, one alert";
  EXPECT_EQ(list[0].kind, wire::AlertKind::place_matches);
  EXPECT_EQ(list[0].reasons, (std::vector<std::string>{search, request}));
  EXPECT_EQ(list[0].unit_id, "u1");
  EXPECT_EQ(list[0].phone, "03 20 00 00 00");

  auto shown = dispo({"watch", "--client-id", "astreinte-7", "--count", "2"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("recherche " + search + " ; demande " + request), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("unité u1 : tél. 03 20 00 00 00"), std::string::npos) << shown.out;
}

TEST_F(AlertDeliveryTest, SubscribingTwiceGivesBackTheSameSubscription) {
  auto first = dispo({"subscribe", "--client-id", "double", "search", "--dept", "59", "--age", "8", "--json"});
  auto second = dispo({"subscribe", "--client-id", "double", "search", "--dept", "59", "--age", "8", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const auto id = nlohmann::json::parse(first.out).value("id", std::string());
  EXPECT_EQ(id.rfind("S-", 0), 0u) << first.out;
  EXPECT_EQ(nlohmann::json::parse(second.out).value("id", std::string()), id) << second.out;
  auto listed = dispo({"subscriptions", "--client-id", "double", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out)["subscriptions"].size(), 1u) << listed.out;
  set_available("u1", 1);
  auto owner = session("double");
  EXPECT_EQ(alerts(*owner).size(), 1u) << "one subscription, one alert";
}

// Before any alert, `dispo watch` says it is waiting and for what: its subscriptions, in French.
TEST_F(AlertDeliveryTest, WatchSaysWhatItWaitsForBeforeTheFirstAlert) {
  night_watcher_subscribes();
  Process watch = background_watch(1);
  ASSERT_TRUE(watch_shows("en attente des alertes de « nuit »"));
  ASSERT_TRUE(watch_shows("1 abonnement"));
  ASSERT_TRUE(watch_shows("S-1  recherche  département 59, âges 8"));
  EXPECT_EQ(read_file(watch_log()).find("alerte 1"), std::string::npos) << "no alert was raised yet";
  set_available("u1", 1);
  ASSERT_TRUE(watch_shows("alerte 1"));
  EXPECT_EQ(watch.stop(10s), 0) << read_file(watch_log());
}

TEST_F(AlertDeliveryTest, NoPlaceMatchesForAChildTheUnitDoesNotAdmit) {
  auto teen = make_facility("590000002", 1, 10);
  teen.units[0]->age_min = 13;
  ASSERT_TRUE(admin_->call(registration_of(std::move(teen))));
  auto oncall = session("astreinte-2");
  subscribe(*oncall, search_for_age(4));
  set_available("u1", 1, "590000002");  // a 13-21 unit: not for a 4-year-old
  EXPECT_TRUE(alerts(*oncall).empty());
  set_available("u1", 1);  // 590000001 takes 0-21
  EXPECT_EQ(alerts(*oncall).size(), 1u);
}

TEST_F(AlertDeliveryTest, CapacityLowIsEdgeTriggered) {
  auto judge = session("juge-59");
  wire::SubscriptionT territory;
  territory.kind = wire::SubscriptionKind::territory;
  territory.departement = "59";
  territory.threshold = 3;
  subscribe(*judge, std::move(territory));

  set_available("u1", 5);  // 0 -> 5: above, nothing
  set_available("u1", 4);  // still >= 3
  set_available("u1", 2);  // crosses below: alert
  set_available("u1", 1);  // still below: nothing
  set_available("u2", 3);  // back above (4)
  set_available("u1", 0);  // 3: not below
  set_available("u2", 2);  // 2: crosses below again

  const auto list = alerts(*judge);
  ASSERT_EQ(kinds(list), (std::vector{wire::AlertKind::capacity_low, wire::AlertKind::capacity_low}));
  EXPECT_EQ(list[0].departement, "59");
  EXPECT_NE(list[0].message.find("sous le seuil de 3"), std::string::npos) << list[0].message;
}

class StaleAlertDeliveryTest : public AlertDeliveryTest {
 protected:
  std::vector<std::string> broker_flags() const override { return {"--heartbeat-ms", "100", "--stale-after", "1"}; }
};

TEST_F(StaleAlertDeliveryTest, StaleFacilityIsAlertedOncePerFacility) {
  client::AlertWatchOptions options;
  options.session = client::SessionOptions{broker_->api(), 2s, 2, "astreinte-3"};
  options.feed = broker_->feed();
  client::AlertWatch watch(context_, options);
  ASSERT_TRUE(watch.start());
  auto oncall = session("astreinte-3");
  subscribe(*oncall, search_for_age(8));
  auto elsewhere = session("astreinte-dunkerque");  // a search this facility cannot answer: too far
  auto far = search_for_age(8);
  far.query->near_lat = 51.03;
  far.query->near_lon = 2.37;
  far.query->max_km = 20;
  subscribe(*elsewhere, std::move(far));
  wire::ConfirmationT confirmation;  // both units confirmed at the same moment, nothing free
  confirmation.facility_id = "590000001";
  wire::RequestBodyUnion confirm;
  confirm.Set(std::move(confirmation));
  ASSERT_TRUE(admin_->call(std::move(confirm)));
  std::vector<wire::AlertT> list;
  const auto deadline = std::chrono::steady_clock::now() + 6s;
  while (list.empty() && std::chrono::steady_clock::now() < deadline) {
    auto got = watch.poll(500ms);
    ASSERT_TRUE(got);
    list = std::move(*got);
  }
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].kind, wire::AlertKind::facility_stale);
  EXPECT_EQ(list[0].facility_id, "590000001");
  EXPECT_TRUE(alerts(*elsewhere).empty()) << "stale alert for a search the facility cannot answer";
  // One alert for the facility, not one per unit; a new confirmation makes it fresh again.
  set_available("u1", 1);
  const auto after = alerts(*oncall, list[0].number);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].kind, wire::AlertKind::place_matches);
}

TEST_F(AlertDeliveryTest, WatchDeliversMissedAlertsExactlyOnceInOrder) {
  auto subscribed = dispo({"subscribe", "--client-id", "veilleur", "search", "--dept", "59", "--age", "8"});
  ASSERT_EQ(subscribed.exit_code, 0) << subscribed.err;
  EXPECT_NE(subscribed.out.find("S-"), std::string::npos) << subscribed.out;

  for (int round = 0; round < 3; ++round) {  // three alerts while nobody watches
    set_available("u1", 1);
    set_available("u1", 0);
  }
  auto first = dispo({"watch", "--client-id", "veilleur", "--json", "--count", "3"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(printed_numbers(first.out), (std::vector<std::uint64_t>{1, 2, 3}));

  for (int round = 0; round < 2; ++round) {  // away again: two more
    set_available("u1", 1);
    set_available("u1", 0);
  }
  auto second = dispo({"watch", "--client-id", "veilleur", "--json", "--count", "2"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(printed_numbers(second.out), (std::vector<std::uint64_t>{4, 5}));

  // Live: a watcher connected while the alert is raised gets it once, and nothing acknowledged.
  client::AlertWatchOptions options;
  options.session = client::SessionOptions{broker_->api(), 2s, 2, "veilleur"};
  options.feed = broker_->feed();
  client::AlertWatch watch(context_, options);
  ASSERT_TRUE(watch.start());
  set_available("u2", 1);
  std::vector<std::uint64_t> live;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (live.empty() && std::chrono::steady_clock::now() < deadline) {
    auto got = watch.poll(200ms);
    ASSERT_TRUE(got);
    for (const auto& alert : *got) live.push_back(alert.number);
  }
  EXPECT_EQ(live, (std::vector<std::uint64_t>{6}));
  ASSERT_TRUE(watch.acknowledge(6));
  auto nothing = watch.poll(50ms);
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());

  // The durable cursor: nothing left after it.
  auto veilleur = session("veilleur");
  wire::AlertFetchT fetch;
  wire::RequestBodyUnion body;
  body.Set(std::move(fetch));
  auto reply = veilleur->call(std::move(body));
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)->body_as_AlertList()->acknowledged(), 6u);
  EXPECT_EQ((*reply)->body_as_AlertList()->alerts()->size(), 0u);

  auto plain = dispo({"subscriptions", "--client-id", "veilleur"});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("recherche"), std::string::npos) << plain.out;
}

// The night watcher sees when the broker is gone and when it is back, and loses nothing between.
TEST_F(AlertDeliveryTest, WatchSaysWhenTheBrokerIsGoneAndCatchesUpWhenItIsBack) {
  night_watcher_subscribes();
  Process watch = background_watch(2);
  set_available("u1", 1);
  ASSERT_TRUE(watch_shows("alerte 1"));

  ASSERT_EQ(broker_->stop(), 0);
  ASSERT_TRUE(watch_shows("broker injoignable"));
  broker_->start();
  set_available("u1", 0);
  set_available("u1", 1);  // alert 2, raised while the watcher may still be retrying
  ASSERT_TRUE(watch_shows("de nouveau joignable"));
  ASSERT_TRUE(watch_shows("alerte 2"));
  EXPECT_EQ(watch.stop(10s), 0) << read_file(watch_log());
}

// Started while the broker is down (a machine that boots before it): the watch waits for it.
TEST_F(AlertDeliveryTest, WatchStartedBeforeTheBrokerWaitsForIt) {
  night_watcher_subscribes();
  ASSERT_EQ(broker_->stop(), 0);
  Process watch = background_watch(1);
  EXPECT_TRUE(watch_shows("broker injoignable"));
  broker_->start();
  EXPECT_TRUE(watch_shows("de nouveau joignable"));
  set_available("u1", 1);
  EXPECT_TRUE(watch_shows("alerte 1"));
  EXPECT_EQ(watch.stop(10s), 0) << read_file(watch_log());
}

TEST_F(AlertDeliveryTest, CursorNumberingAndSubscriptionsSurviveARestart) {
  auto oncall = session("astreinte-4");
  const std::string first_id = subscribe(*oncall, search_for_age(8));
  set_available("u1", 1);
  set_available("u1", 0);
  set_available("u1", 1);
  wire::AlertAckT ack;
  ack.upto = 1;
  wire::RequestBodyUnion body;
  body.Set(std::move(ack));
  ASSERT_TRUE(oncall->call(std::move(body)));
  auto unsubscribed = dispo({"unsubscribe", "--client-id", "astreinte-4", first_id});
  ASSERT_EQ(unsubscribed.exit_code, 0) << unsubscribed.err;
  const std::string second_id = subscribe(*oncall, search_for_age(9));

  ASSERT_EQ(broker_->stop(), 0);
  broker_->start();
  admin_ = session("publisher");
  oncall = session("astreinte-4");

  wire::RequestBodyUnion fetch;
  fetch.Set(wire::AlertFetchT{});
  auto reply = oncall->call(std::move(fetch));
  ASSERT_TRUE(reply);
  const auto* list = (*reply)->body_as_AlertList();
  EXPECT_EQ(list->acknowledged(), 1u);
  EXPECT_EQ(list->last(), 2u);
  ASSERT_EQ(list->alerts()->size(), 1u);
  EXPECT_EQ(list->alerts()->Get(0)->number(), 2u);

  set_available("u1", 0);
  set_available("u1", 1);  // matches the age-9 search kept across the restart
  const auto after = alerts(*oncall, 2);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].number, 3u);
  EXPECT_EQ(after[0].subscription_id, second_id);
  // Ids are never reused, even after a deletion and a restart.
  const std::string third_id = subscribe(*oncall, search_for_age(10));
  EXPECT_NE(third_id, first_id);
  EXPECT_NE(third_id, second_id);
  // The subscription kept across the restart is found under its id.
  auto gone = dispo({"unsubscribe", "--client-id", "astreinte-4", second_id});
  EXPECT_EQ(gone.exit_code, 0) << gone.err;
}

TEST_F(AlertDeliveryTest, RefusalsChangeNothing) {
  auto oncall = session("astreinte-5");
  auto other = session("astreinte-6");
  const std::string id = subscribe(*oncall, search_for_age(8));

  wire::UnsubscribeT unsubscribe;
  unsubscribe.id = id;
  wire::RequestBodyUnion body;
  body.Set(std::move(unsubscribe));
  auto refused = other->call(std::move(body));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, wire::Status::unknown_request);

  wire::SubscriptionT no_threshold;
  no_threshold.kind = wire::SubscriptionKind::territory;
  no_threshold.departement = "59";
  auto invalid = oncall->call(subscribe_body(std::move(no_threshold)));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().status, wire::Status::invalid);

  wire::SubscriptionT unknown_request;
  unknown_request.kind = wire::SubscriptionKind::request;
  unknown_request.request_id = "R-999";
  auto unknown = oncall->call(subscribe_body(std::move(unknown_request)));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, wire::Status::unknown_request);

  wire::AlertAckT ack;
  ack.upto = 5;
  wire::RequestBodyUnion ack_body;
  ack_body.Set(std::move(ack));
  auto beyond = oncall->call(std::move(ack_body));
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().status, wire::Status::invalid);

  set_available("u1", 1);  // the subscription is still there, and only its owner's
  EXPECT_EQ(alerts(*oncall).size(), 1u);
  EXPECT_TRUE(alerts(*other).empty());
  auto listed = dispo({"subscriptions", "--client-id", "astreinte-6"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find("aucun abonnement"), std::string::npos) << listed.out;
}

}  // namespace
}  // namespace dispo::testing
