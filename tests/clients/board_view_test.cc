#include "board_view.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace dispo::cli
