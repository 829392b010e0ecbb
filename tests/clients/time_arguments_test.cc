#include "time_arguments.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace dispo::cli {
namespace {

TEST(TimeArgumentsTest, DurationsAsPeopleTypeThem) {
  EXPECT_EQ(*parse_duration("2h", "--for"), 7200);
  EXPECT_EQ(*parse_duration("30m", "--for"), 1800);
  EXPECT_EQ(*parse_duration("30min", "--for"), 1800);
  EXPECT_EQ(*parse_duration("1h30", "--for"), 5400);
  EXPECT_EQ(*parse_duration("90s", "--for"), 90);
  EXPECT_EQ(*parse_duration("2j", "--for"), 172800);
  for (const char* bad : {"", "h", "deux heures", "2x", "0", "-1h", "1234567890h"}) {
    auto refused = parse_duration(bad, "--for");
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("--for"), std::string::npos);
  }
}

TEST(TimeArgumentsTest, ADurationWithoutAUnitIsRefusedWithTheAcceptedForms) {
  for (const char* bare : {"2", "90", "30"}) {
    auto refused = parse_duration(bare, "--for");
    ASSERT_FALSE(refused) << bare;
    EXPECT_NE(refused.error().message.find("sans unité"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("2h, 30m, 90s, 1h30, 2j"), std::string::npos) << refused.error().message;
  }
}

TEST(TimeArgumentsTest, MomentsInUtcAndLocalTime) {
  EXPECT_EQ(*parse_moment("2026-11-20T08:30:00Z", "--at"), 1795163400000);
  EXPECT_EQ(*parse_moment("2026-11-20T08:30Z", "--at"), 1795163400000);
  setenv("TZ", "Europe/Paris", 1);
  tzset();
  EXPECT_EQ(*parse_moment("2026-11-20 09:30", "--at"), 1795163400000);  // UTC+1 in November
  EXPECT_EQ(*parse_moment("2026-11-20T09:30", "--at"), 1795163400000);
  EXPECT_EQ(*parse_moment("2026-11-20", "--at"), 1795129200000);        // local midnight
  EXPECT_EQ(format_moment(1795163400000), "2026-11-20 09:30");
  EXPECT_EQ(*parse_moment("2026-11-20T09:30:00.250+01:00", "--at"), 1795163400250);  // the record's exact form
  for (const char* bad : {"hier", "2026-13-01", "2026-11-20T25:00", "20/11/2026", "2026-02-30"}) {
    auto refused = parse_moment(bad, "--at");
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("--at"), std::string::npos);
  }
}

TEST(TimeArgumentsTest, WaitingTimesReadAtAGlance) {
  EXPECT_EQ(format_wait(40), "40 s");
  EXPECT_EQ(format_wait(12 * 60 + 5), "12 min");
  EXPECT_EQ(format_wait(2 * 3600 + 5 * 60), "2 h 05");
  EXPECT_EQ(format_wait(3 * 86400 + 4 * 3600), "3 j 4 h");
  EXPECT_EQ(format_wait(-5), "0 s");
}

}  // namespace
}  // namespace dispo::cli
