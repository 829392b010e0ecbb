// printable() and wire::quoted(): text from another party shown without any control character.
#include "dispo/schemas/printable.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "dispo/schemas/text_rules.h"

namespace dispo::wire {
namespace {

bool has_control_byte(const std::string& text, bool allow_line_breaks) {
  for (unsigned char c : text) {
    if (allow_line_breaks && (c == '\n' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  // C1 in UTF-8: C2 80..C2 9F.
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) == 0xc2 && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

TEST(PrintableTest, KeepsFrenchTextAndLineBreaks) {
  const std::string text = "Foyer « Les Peupliers » — Marcq-en-Barœul\n\tu1 : 2 places\n";
  EXPECT_EQ(printable(text), text);
}

TEST(PrintableTest, EscapesControlsInvalidBytesAndBidiOverrides) {
  EXPECT_EQ(printable("\x1b[2J\x1b[31mMECS"), "\\x1b[2J\\x1b[31mMECS");
  EXPECT_EQ(printable("bip\x07 del\x7f"), "bip\\x07 del\\x7f");
  EXPECT_EQ(printable("csi\xc2\x9b" "2J"), "csi\\u009b2J");
  EXPECT_EQ(printable("MECS \xff\xfe Lille"), "MECS \\xff\\xfe Lille");
  EXPECT_EQ(printable("caf\xc3"), "caf\\xc3");
  EXPECT_EQ(printable("a\xe2\x80\xae" "b"), "a\\u202eb");
}

TEST(PrintableTest, AnyInputGivesValidUtf8WithoutControls) {
  std::mt19937 random(11);
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 64, '\0');
    for (char& c : text) c = static_cast<char>(random() % 256);
    const std::string shown = printable(text);
    EXPECT_TRUE(is_valid_utf8(shown));
    EXPECT_FALSE(has_control_byte(shown, /*allow_line_breaks=*/true));
    const std::string cited = wire::quoted(text);
    EXPECT_TRUE(is_valid_utf8(cited));
    EXPECT_FALSE(has_control_byte(cited, /*allow_line_breaks=*/false));
  }
}

TEST(PrintableTest, QuotedCutsLongTextAndSaysItsSize) {
  EXPECT_EQ(wire::quoted("u1"), "« u1 »");
  EXPECT_EQ(wire::quoted("a\nb"), "« a\\x0ab »");
  const std::string cited = wire::quoted(std::string(10'000, 'A'), 5);
  EXPECT_EQ(cited, "« AAAAA… » (10000 octets)");
  std::string accents;
  for (int i = 0; i < 50; ++i) accents += "é";
  EXPECT_EQ(wire::quoted(accents, 3), "« ééé… » (100 octets)");  // cut between characters, never inside one
}

}  // namespace
}  // namespace dispo::wire
