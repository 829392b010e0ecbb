// The one "YYYY-MM-DD" parser and formatter (dispo/schemas/calendar.h).
#include "dispo/schemas/calendar.h"

#include <gtest/gtest.h>

namespace dispo::wire {
namespace {

using namespace std::chrono;

TEST(CalendarTest, ReadsAndWritesADay) {
  EXPECT_EQ(parse_iso_date("2026-12-01"), year_month_day(year(2026), month(12), day(1)));
  EXPECT_EQ(parse_iso_date("2028-02-29"), year_month_day(year(2028), month(2), day(29)));
  EXPECT_EQ(format_iso_date(year_month_day(year(2026), month(3), day(5))), "2026-03-05");
  EXPECT_EQ(format_iso_date(*parse_iso_date("0999-01-31")), "0999-01-31");
}

TEST(CalendarTest, RefusesWhatIsNotExactlyADay) {
  for (const char* text : {"", "2026-02-30", "2027-02-29", "2026-13-01", "2026-00-10", "2026-1-05", "2026-01-5",
                           " 2026-01-05", "2026-01-05 ", "+026-01-05", "2026/01/05", "2026-01-0x", "20260105",
                           "2026-01-051"}) {
    EXPECT_FALSE(parse_iso_date(text)) << text;
  }
}

}  // namespace
}  // namespace dispo::wire
