// format_time: calendar text for ordinary moments, "" (never garbage) for moments the calendar
// cannot express — such a moment once came in a request and read past a stack buffer.
#include "dispo/schemas/clock.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace dispo::wire {
namespace {

TEST(ClockTest, FormatsAnOrdinaryMomentInUtc) {
  EXPECT_EQ(format_time(1'790'000'000'123, "%Y-%m-%d %H:%M:%S", TimeZone::utc), "2026-09-21 14:13:20");
  EXPECT_EQ(format_time(0, "%Y-%m-%d", TimeZone::utc), "1970-01-01");
  EXPECT_EQ(format_time(-86'400'000, "%Y-%m-%d", TimeZone::utc), "1969-12-31");
}

TEST(ClockTest, MomentsOutsideTheCalendarGiveEmptyText) {
  for (std::int64_t ms : {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                          std::int64_t{-70'000'000'000'000}, std::int64_t{260'000'000'000'000}}) {
    EXPECT_EQ(format_time(ms, "%Y-%m-%d", TimeZone::utc), "") << ms;
    EXPECT_EQ(format_time(ms, "%Y-%m-%d", TimeZone::local), "") << ms;
  }
  EXPECT_EQ(format_time(253'402'000'000'000, "%Y", TimeZone::utc), "9999");
}

TEST(ClockTest, OutputTooLongForTheBufferGivesEmptyText) {
  EXPECT_EQ(format_time(0, "%Y-%m-%d %Y-%m-%d %Y-%m-%d %Y-%m-%d %Y-%m-%d %Y-%m-%d", TimeZone::utc), "");
}

}  // namespace
}  // namespace dispo::wire
