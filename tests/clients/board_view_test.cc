#include "board_view.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "french.h"

#include "fake_broker.h"

namespace dispo::cli {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(BoardViewTest, HeaderCountsOnlyFreshPlacesAndRowsShowStaleness) {
  const std::int64_t now = wire::now_ms();
  std::map<std::string, wire::FacilityStateT> facilities;
  auto fresh = testing::make_facility("590000001", "59", {2, 3});
  fresh.facility->name = "Pouponnière du Nord";
  fresh.facility->kind = wire::FacilityKind::pouponniere;
  auto old = testing::make_facility("590000002", "59", {4});
  old.facility->name = "MECS Ancienne";
  old.units[0]->availability->confirmed_at = now - 2 * 86400 * 1000LL;
  facilities.emplace("590000001", std::move(fresh));
  facilities.emplace("590000002", std::move(old));

  BoardHeader header;
  header.departement = "59";
  header.sequence = 812;
  header.resyncs = 1;
  header.stale_after_s = 86400;
  const std::string text = format_board(facilities, header, now);
  EXPECT_TRUE(contains(text, "département 59 · séquence 812")) << text;
  EXPECT_TRUE(contains(text, "5 places libres dans 2 établissements (+ 4 sur données périmées, non comptées)"))
      << text;
  EXPECT_TRUE(contains(text, "1 resynchronisation")) << text;
  EXPECT_FALSE(contains(text, "RESYNCHRONISATION EN COURS")) << text;
  EXPECT_TRUE(contains(text, "pouponnière")) << text;
  EXPECT_TRUE(contains(text, "     5/20")) << text;
  EXPECT_TRUE(contains(text, "     0/10    ⚠ périmé")) << text;
  EXPECT_TRUE(contains(text, "il y a 2 j")) << text;
}

TEST(BoardViewTest, SaysWhenResynchronisingAndWhenEmpty) {
  BoardHeader header;
  header.in_sync = false;
  const std::string text = format_board({}, header, wire::now_ms());
  EXPECT_TRUE(contains(text, "tous départements")) << text;
  EXPECT_TRUE(contains(text, "RESYNCHRONISATION EN COURS")) << text;
  EXPECT_TRUE(contains(text, "(aucun établissement)")) << text;
}

// A board of `count` fresh facilities, facility i with i free places (i = 0 … count - 1).
std::map<std::string, wire::FacilityStateT> facilities_with_places(int count) {
  std::map<std::string, wire::FacilityStateT> facilities;
  for (int i = 0; i < count; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "5900%05d", i);
    auto state = testing::make_facility(id, "59", {static_cast<std::uint16_t>(i)});
    state.facility->name = "Établissement numéro " + std::to_string(i) + " au nom assez long pour être coupé";
    state.facility->commune_insee = "59350";
    facilities.emplace(id, std::move(state));
  }
  return facilities;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

// Issue 10: the board fits the terminal — totals on top, the most free places first, the rest cut
// with their count — and no line is wider than the terminal.
TEST(BoardViewTest, FitsATerminalWithTotalsOnTopMostUsefulFirstAndTheRestCounted) {
  const auto facilities = facilities_with_places(40);
  BoardHeader header;
  header.departement = "59";
  header.stale_after_s = 86400;
  const std::string text = format_board(facilities, header, wire::now_ms(), BoardSize{12, 80});
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 12u) << text;
  for (const auto& line : lines) EXPECT_LE(display_width(line), 80u) << "[" << line << "]";
  EXPECT_NE(lines[1].find("780 places libres dans 40 établissements"), std::string::npos) << text;
  EXPECT_NE(lines[3].find("Établissement"), std::string::npos) << text;
  EXPECT_NE(lines[4].find("Établissement numéro 39"), std::string::npos) << "most free places first\n" << text;
  EXPECT_NE(lines[4].find("Lille"), std::string::npos) << "the town by name\n" << text;
  EXPECT_NE(lines[5].find("Établissement numéro 38"), std::string::npos) << text;
  // 12 lines: 4 of header, 7 facilities (39 … 33), then the 33 others (free places 0 … 32).
  EXPECT_NE(lines[10].find("numéro 33"), std::string::npos) << text;
  EXPECT_EQ(lines[11], "… et 33 autres établissements (528 places libres)") << text;
}

TEST(BoardViewTest, EveryRowWhenItFitsAndANarrowTerminalDropsColumnsNotLines) {
  const auto facilities = facilities_with_places(3);
  const std::string roomy = format_board(facilities, BoardHeader{}, wire::now_ms(), BoardSize{40, 120});
  EXPECT_EQ(lines_of(roomy).size(), 7u) << roomy;
  EXPECT_EQ(roomy.find("autres"), std::string::npos) << roomy;
  EXPECT_NE(roomy.find("MECS"), std::string::npos) << "the kind fits in 120 columns\n" << roomy;

  const std::string narrow = format_board(facilities, BoardHeader{}, wire::now_ms(), BoardSize{40, 60});
  for (const auto& line : lines_of(narrow)) EXPECT_LE(display_width(line), 60u) << "[" << line << "]";
  EXPECT_EQ(lines_of(narrow).size(), 7u) << narrow;
  EXPECT_NE(narrow.find("     2/"), std::string::npos) << "the counts stay\n" << narrow;
}

TEST(BoardViewTest, ATinyTerminalStillShowsTheTotalsFirst) {
  const auto facilities = facilities_with_places(5);
  const std::string text = format_board(facilities, BoardHeader{}, wire::now_ms(), BoardSize{2, 80});
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_NE(lines[1].find("10 places libres dans 5 établissements"), std::string::npos) << text;
}

TEST(BoardViewTest, PlainOutputHasEveryRowAndNoTerminalCodes) {
  const auto facilities = facilities_with_places(60);
  const std::string text = format_board(facilities, BoardHeader{}, wire::now_ms());
  EXPECT_EQ(lines_of(text).size(), 64u);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace dispo::cli
