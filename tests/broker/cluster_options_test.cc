// parse_cluster (dispo/broker/broker.h): `--cluster` and `--cluster-api` as the operator writes them.
#include <gtest/gtest.h>

#include "dispo/broker/broker.h"

namespace dispo::broker {
namespace {

TEST(ClusterOptionsTest, MembersWithTheirRaftAddressAndApiEndpoint) {
  auto cluster = parse_cluster("1=127.0.0.1:7401,2=127.0.0.1:7402,3=127.0.0.1:7403",
                               "2=tcp://127.0.0.1:7002");
  ASSERT_TRUE(cluster) << cluster.error().message;
  ASSERT_EQ(cluster->size(), 3u);
  EXPECT_EQ((*cluster)[0].id, 1u);
  EXPECT_EQ((*cluster)[0].raft, "127.0.0.1:7401");
  EXPECT_EQ((*cluster)[0].api, "");
  EXPECT_EQ((*cluster)[1].api, "tcp://127.0.0.1:7002");
  EXPECT_EQ((*cluster)[2].id, 3u);
}

TEST(ClusterOptionsTest, MistakesAreSaidInFrench) {
  struct Case {
    const char* raft;
    const char* api;
    const char* said;
  };
  for (const Case& wrong : {Case{"", "", "ID=HÔTE:PORT"}, Case{"0=127.0.0.1:7401", "", "ID=HÔTE:PORT"},
                            Case{"a=127.0.0.1:7401", "", "ID=HÔTE:PORT"},
                            Case{"1=127.0.0.1", "", "n'est pas HÔTE:PORT"},
                            Case{"1=127.0.0.1:7401,1=127.0.0.1:7402", "", "figure deux fois"},
                            Case{"1=127.0.0.1:7401", "2=tcp://127.0.0.1:7002", "n'est pas dans --cluster"},
                            Case{"1=127.0.0.1:7401", "tcp://127.0.0.1:7001", "ID=ADRESSE"}}) {
    auto cluster = parse_cluster(wrong.raft, wrong.api);
    ASSERT_FALSE(cluster) << wrong.raft << " / " << wrong.api;
    EXPECT_EQ(cluster.error().status, wire::Status::invalid);
    EXPECT_NE(cluster.error().message.find(wrong.said), std::string::npos) << cluster.error().message;
  }
}

}  // namespace
}  // namespace dispo::broker
