// Subscriptions (subscriptions.cc) on a real store and state, without sockets: asking twice for
// the same thing gives back the existing subscription (same id, nothing staged, no duplicate),
// and anything different is a new one.
#include "writes/subscriptions.h"

#include <gtest/gtest.h>

#include "storage/store.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;

class SubscriptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_ / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    pending_ = std::make_unique<PendingCommit>(store_->batch());
    wire::PlacementRequestT request;
    request.id = "R-7";
    request.child_ref = "E-7";
    request.criteria = std::make_unique<wire::SearchQueryT>();
    request.criteria->departement = "59";
    state_.workflow.requests["R-7"] = std::move(request);
  }

  RequestContext context(std::string_view client) const {
    return RequestContext{"peer", client, &Principals::local(), kNow, "2026-09-21"};
  }

  // Subscribes as `client` and returns the id answered ("" on error, with a failure).
  std::string subscribe_as(std::string_view client, const wire::SubscriptionT& subscription) {
    wire::SubscribeT subscribe;
    subscribe.subscription = std::make_unique<wire::SubscriptionT>(subscription);
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::Subscribe::Pack(builder, &subscribe));
    auto applied = subscribe_(*flatbuffers::GetRoot<wire::Subscribe>(builder.GetBufferPointer()), client);
    EXPECT_TRUE(applied) << (applied ? "" : applied.error().message);
    if (!applied) return {};
    const std::string reply = encode_reply(1, wire::Status::ok, {}, applied->sequence, applied->body);
    auto message = wire::decode(reply.data(), reply.size());
    EXPECT_TRUE(message);
    const auto* saved = message ? (*message)->body_as_Reply()->body_as_Subscription() : nullptr;
    EXPECT_NE(saved, nullptr);
    return saved ? saved->id()->str() : std::string();
  }

  Result<Applied> subscribe_(const wire::Subscribe& request, std::string_view client) {
    return subscribe(state_, *pending_, *store_, request, context(client));
  }

  static wire::SubscriptionT search(std::vector<int> ages, const std::string& departement = "59") {
    wire::SubscriptionT subscription;
    subscription.kind = wire::SubscriptionKind::search;
    subscription.query = std::make_unique<wire::SearchQueryT>();
    subscription.query->departement = departement;
    for (int age : ages) {
      auto child = std::make_unique<wire::ChildT>();
      child->age = static_cast<std::uint8_t>(age);
      subscription.query->children.push_back(std::move(child));
    }
    return subscription;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  BrokerState state_;
  std::unique_ptr<PendingCommit> pending_;
};

TEST_F(SubscriptionsTest, SubscribingTwiceToTheSameSearchGivesBackTheSameSubscription) {
  const std::string first = subscribe_as("nuit", search({4, 7}));
  ASSERT_EQ(first, "S-1");
  pending_->clear();  // as after the commit
  EXPECT_EQ(subscribe_as("nuit", search({4, 7})), first);
  EXPECT_TRUE(pending_->batch.empty()) << "asking again stages nothing";
  EXPECT_EQ(state_.workflow.subscriptions.size(), 1u);

  EXPECT_EQ(subscribe_as("nuit", search({4, 8})), "S-2") << "other ages: another search";
  EXPECT_EQ(subscribe_as("nuit", search({4, 7}, "62")), "S-3") << "another département";
  EXPECT_EQ(subscribe_as("jour", search({4, 7})), "S-4") << "another owner has its own";
  EXPECT_EQ(state_.workflow.subscriptions.size(), 4u);
}

TEST_F(SubscriptionsTest, FollowingARequestOrAThresholdTwiceIsOneSubscription) {
  wire::SubscriptionT following;
  following.kind = wire::SubscriptionKind::request;
  following.request_id = "R-7";
  const std::string follow = subscribe_as("nuit", following);
  EXPECT_EQ(subscribe_as("nuit", following), follow);

  wire::SubscriptionT threshold;
  threshold.kind = wire::SubscriptionKind::territory;
  threshold.departement = "59";
  threshold.threshold = 3;
  const std::string below_3 = subscribe_as("nuit", threshold);
  EXPECT_NE(below_3, follow);
  EXPECT_EQ(subscribe_as("nuit", threshold), below_3);
  threshold.threshold = 4;
  EXPECT_NE(subscribe_as("nuit", threshold), below_3);
  threshold.threshold = 3;
  threshold.facility_kind = wire::FacilityKind::mecs;
  EXPECT_NE(subscribe_as("nuit", threshold), below_3) << "one kind is not every kind";
  EXPECT_EQ(state_.workflow.subscriptions.size(), 4u);
}

}  // namespace
}  // namespace dispo::broker
