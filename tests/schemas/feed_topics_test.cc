// The feed's topic grammar (dispo/schemas/feed_topics.h), written once for the broker and every
// subscriber: the topics built and read back.
#include "dispo/schemas/feed_topics.h"

#include <gtest/gtest.h>

namespace dispo::wire {
namespace {

TEST(FeedTopicsTest, TopicsOfTerritoriesAndOwners) {
  EXPECT_EQ(event_topic("59"), "ev/59/");
  EXPECT_EQ(heartbeat_topic(kLivenessTerritory), "hb/*/");
  EXPECT_EQ(alert_topic("astreinte-59"), "al/astreinte-59/");
  EXPECT_EQ(event_topic(requests_territory("2A")), "ev/requests:2A/");
}

TEST(FeedTopicsTest, ReadsBackTheDepartementOfRequestsAndTheOwnerOfAlerts) {
  EXPECT_EQ(departement_of_requests(requests_territory("974")), "974");
  EXPECT_FALSE(departement_of_requests("59"));
  EXPECT_FALSE(departement_of_requests("admin"));
  EXPECT_EQ(alert_owner(alert_topic("mecs-les-tilleuls")), "mecs-les-tilleuls");
  EXPECT_FALSE(alert_owner("al/"));
  EXPECT_FALSE(alert_owner("al//"));
  EXPECT_FALSE(alert_owner("ev/59/"));
  EXPECT_FALSE(alert_owner("al/sans-fin"));
}

}  // namespace
}  // namespace dispo::wire
