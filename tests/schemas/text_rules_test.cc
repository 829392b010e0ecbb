// The contract's text rules (issue #11): what the broker and the CSV check both refuse, and that
// each refusal names the field and the rule without repeating raw bytes.
#include "dispo/schemas/text_rules.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace dispo::wire {
namespace {

// The refusal's message, or "" when the value was accepted.
std::string refusal(const Result<void>& checked) {
  if (checked) return "";
  EXPECT_EQ(checked.error().status, Status::invalid);
  return checked.error().message;
}

void expect_clean(const std::string& message) {
  EXPECT_TRUE(is_valid_utf8(message)) << message;
  for (unsigned char c : message) EXPECT_FALSE(c < 0x20 || c == 0x7f) << "control byte in: " << message;
}

TEST(TextRulesTest, Utf8IsCheckedStrictly) {
  EXPECT_TRUE(is_valid_utf8("Foyer de l'enfance « Les Peupliers » — Marcq-en-Barœul 🏠"));
  EXPECT_TRUE(is_valid_utf8(""));
  for (const char* bad : {"\xff", "\xc3", "caf\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\x80", "a\xfe" "b"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
  }
}

TEST(TextRulesTest, InvalidUtf8IsRefusedNamingTheFieldAndThePosition) {
  const auto message = refusal(check_text("name", "MECS \xff\xfe Lille", kMaxNameChars));
  EXPECT_NE(message.find("name : texte qui n'est pas de l'UTF-8 valide (octet 0xFF à la position 6"), std::string::npos)
      << message;
  EXPECT_NE(message.find("\\xff"), std::string::npos) << "the byte is shown escaped: " << message;
  expect_clean(message);
}

TEST(TextRulesTest, ControlCharactersAreRefusedAndShownEscaped) {
  for (const std::string& bad : std::vector<std::string>{"\x1b[2J", "ligne\nfausse", "a\tb", std::string("nul\0x", 5), "del\x7f", "csi\xc2\x9b" "2J"}) {
    const auto message = refusal(check_text("phone", bad, kMaxPhoneChars));
    EXPECT_NE(message.find("phone : caractère de contrôle U+"), std::string::npos) << message;
    expect_clean(message);
  }
  EXPECT_NE(refusal(check_text("name", "\x1b[2J", 200)).find("U+001B"), std::string::npos);
  EXPECT_NE(refusal(check_text("name", "\xc2\x9b", 200)).find("U+009B"), std::string::npos);
}

TEST(TextRulesTest, LengthCountsCharactersNotBytes) {
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  EXPECT_TRUE(check_text("name", accents, kMaxNameChars));
  EXPECT_EQ(refusal(check_text("name", accents + "é", kMaxNameChars)), "name : 201 caractères, 200 au plus");
  EXPECT_EQ(refusal(check_text("name", std::string(10'000, 'A'), kMaxNameChars)),
            "name : 10000 caractères, 200 au plus");
  EXPECT_EQ(refusal(check_text("name", "", kMaxNameChars, /*required=*/true)), "name : manquant");
  EXPECT_TRUE(check_text("note", "", kMaxNoteChars));
}

TEST(TextRulesTest, DepartementsInTheirRealFormats) {
  for (const char* good : {"01", "19", "21", "59", "95", "2A", "2B", "971", "974", "976"}) {
    EXPECT_TRUE(is_departement(good)) << good;
    EXPECT_TRUE(check_departement("departement", good)) << good;
  }
  for (const char* bad : {"", "0", "00", "20", "96", "99", "2C", "2a", "970", "977", "9740", "590", "5 9", "nord"}) {
    EXPECT_FALSE(is_departement(bad)) << bad;
  }
  const auto huge = refusal(check_departement("departement", std::string(10'000, '9')));
  EXPECT_NE(huge.find("departement : département « 99999999… » (10000 octets) inconnu (01 à 95, 2A, 2B, 971 à 976)"),
            std::string::npos)
      << huge;
  EXPECT_LT(huge.size(), 200u) << "a refused value is cut, not repeated";
}

TEST(TextRulesTest, FacilityIdsAreFinessLikeOrTheDepartementsOwn) {
  for (const char* good : {"590001234", "2A0001234", "970400012", "59S000001", "974S000001", "5991100000",
                           "59AF00000123"}) {
    EXPECT_TRUE(check_facility_id("id", good)) << good;
  }
  for (const std::string& bad : std::vector<std::string>{"", "59000123", "590 01234", "AB0001234", "59s000001", "590001234-", std::string(17, '5'),
                                "59000\xff\xff\xff\xff", "\x1b[2J590001"}) {
    const auto message = refusal(check_facility_id("facility_id", bad));
    EXPECT_NE(message.find("facility_id : identifiant d'établissement"), std::string::npos) << message;
    EXPECT_NE(message.find("FINESS"), std::string::npos) << message;
    expect_clean(message);
  }
}

TEST(TextRulesTest, UnitIdsCommunesPhonesReferencesAndDates) {
  EXPECT_TRUE(check_unit_id("unit_id", "maison-3"));
  EXPECT_NE(refusal(check_unit_id("unit_id", "u\xc3")).find("unit_id : identifiant d'unité"), std::string::npos);
  EXPECT_FALSE(check_unit_id("unit_id", std::string(33, 'u')));
  EXPECT_TRUE(check_commune_insee("commune_insee", "59350"));
  EXPECT_TRUE(check_commune_insee("commune_insee", "2A004"));
  EXPECT_FALSE(check_commune_insee("commune_insee", "5935"));
  EXPECT_TRUE(check_phone("phone", "+33 (0)3 20.41-12.34"));
  EXPECT_NE(refusal(check_phone("phone", "03 20 00 00 00\x1b]0;x\x07")).find("phone : numéro"), std::string::npos);
  EXPECT_FALSE(check_phone("phone", "112"));
  EXPECT_TRUE(check_reference("request_id", "R-17"));
  EXPECT_TRUE(check_reference("name", "astreinte@poste-3"));
  EXPECT_FALSE(check_reference("request_id", "R 17"));
  EXPECT_FALSE(check_reference("request_id", std::string(65, 'R')));
  EXPECT_TRUE(check_date("from", "2028-02-29"));
  EXPECT_NE(refusal(check_date("from", "2026-02-30")).find("from : date « 2026-02-30 » invalide"), std::string::npos);
}

TEST(TextRulesTest, NanAndInfinitiesAreRefused) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(check_point("near", 50.63, 3.06));
  EXPECT_NE(refusal(check_point("near", nan, nan)).find("near : coordonnées non finies"), std::string::npos);
  EXPECT_FALSE(check_point("near", 50.63, inf));
  EXPECT_FALSE(check_point("near", -inf, 3.06));
  EXPECT_NE(refusal(check_point("near", 91, 3)).find("hors limites"), std::string::npos);
  EXPECT_FALSE(check_finite("max_km", nan));
  EXPECT_FALSE(check_finite("max_km", inf));
  EXPECT_TRUE(check_finite("max_km", 40));
}

TEST(TextRulesTest, CountsArePlausible) {
  EXPECT_TRUE(check_count("installed", kMaxInstalledPlaces, kMaxInstalledPlaces));
  EXPECT_EQ(refusal(check_count("installed", 65'535, kMaxInstalledPlaces)), "installed : 65535, 999 au plus");
}

}  // namespace
}  // namespace dispo::wire
