// "HOST:PORT" read once for the broker's and the gateway's listening flags.
#include "dispo/schemas/host_port.h"

#include <gtest/gtest.h>

namespace dispo::wire {
namespace {

TEST(HostPortTest, ReadsTheHostAndThePort) {
  auto read = parse_host_port("127.0.0.1:9401");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->host, "127.0.0.1");
  EXPECT_EQ(read->port, 9401);
  read = parse_host_port("[::1]:0");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->host, "::1");
  EXPECT_EQ(read->port, 0);
  read = parse_host_port("localhost:65535");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->host, "localhost");
  EXPECT_EQ(read->port, 65535);
}

TEST(HostPortTest, RefusesWhatIsNotHostColonPort) {
  for (const char* text : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:94o1", "127.0.0.1:-1",
                           "127.0.0.1: 80", "127.0.0.1:+80", "127.0.0.1:123456"}) {
    EXPECT_FALSE(parse_host_port(text)) << text;
  }
}

}  // namespace
}  // namespace dispo::wire
