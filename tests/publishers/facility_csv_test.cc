// Reading a département's facility CSV: every problem reported by line, all or nothing.
#include "dispo/publishers/facility_csv.h"

#include <gtest/gtest.h>

#include <map>

#include "dispo/schemas/text_rules.h"

namespace dispo::publishers {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const std::chrono::year_month_day kToday{year{2026}, month{11}, day{23}};

constexpr const char* kHeader =
    "facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,unit_id,age_min,"
    "age_max,sex,installed,max_siblings,specialties,emergency\n";

// A valid row of facility `id`, unit `unit`, with `authorisation`.
std::string row(const std::string& id, const std::string& unit, const std::string& authorisation = "autorise") {
  return id + ",\"MECS Les Tilleuls, Lille\",mecs,59,59350,50.63,3.06,03 20 11 22 33," + authorisation + "," +
         unit + ",6,12,mixte,12,3,handicap;soins_psy,oui\n";
}

bool mentions(const FacilityCsv& csv, std::size_t line, const std::string& text) {
  for (const auto& problem : csv.problems) {
    if (problem.line == line && problem.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(FacilityCsvTest, GroupsUnitsUnderTheirFacility) {
  const auto csv = read_facility_csv(std::string(kHeader) + row("590001234", "u1") + row("590001234", "u2") +
                                         row("590005678", "u1"),
                                     kToday);
  ASSERT_TRUE(csv.ok()) << csv.report();
  ASSERT_EQ(csv.registration.facilities.size(), 2u);
  EXPECT_EQ(csv.unit_count(), 3u);
  const auto& first = *csv.registration.facilities[0];
  EXPECT_EQ(first.id, "590001234");
  EXPECT_EQ(first.name, "MECS Les Tilleuls, Lille");
  EXPECT_EQ(first.kind, wire::FacilityKind::mecs);
  EXPECT_DOUBLE_EQ(first.lat, 50.63);
  ASSERT_EQ(first.units.size(), 2u);
  EXPECT_EQ(first.units[1]->id, "u2");
  EXPECT_EQ(first.units[0]->installed, 12);
  EXPECT_EQ(first.units[0]->max_siblings, 3);
  EXPECT_TRUE(first.units[0]->emergency);
  EXPECT_EQ(first.units[0]->specialties,
            (std::vector<wire::Specialty>{wire::Specialty::handicap, wire::Specialty::soins_psy}));
}

TEST(FacilityCsvTest, OneBadRowRejectsTheWholeFileWithItsLineNumber) {
  std::string text = std::string(kHeader) + row("590001234", "u1");
  text += "590005678,Foyer,foyer_urgence,59,59350,50.63,3.06,03 20 11 22 33,autorise,u1,16,12,mixte,8,2,,oui\n";
  text += row("590009999", "u1");
  const auto csv = read_facility_csv(text, kToday);
  EXPECT_FALSE(csv.ok());
  EXPECT_TRUE(csv.registration.facilities.empty()) << "nothing may be half-applied";
  EXPECT_EQ(csv.problem_count, 1u);
  EXPECT_TRUE(mentions(csv, 3, "age_min (16) supérieur à age_max (12)")) << csv.report();
}

TEST(FacilityCsvTest, HotelsGitesRentalsAndUnknownAuthorisationsAreRefusedCitingTheLaw) {
  for (const char* authorisation : {"hotel", "gite", "location", "non_autorise", "oui"}) {
    const auto csv = read_facility_csv(std::string(kHeader) + row("590001234", "u1", authorisation), kToday);
    EXPECT_FALSE(csv.ok()) << authorisation;
    EXPECT_TRUE(mentions(csv, 2, "L.221-2-3")) << authorisation << ": " << csv.report();
  }
}

TEST(FacilityCsvTest, DerogationMustEndWithinTwoMonthsAndNotBePast) {
  EXPECT_TRUE(read_facility_csv(std::string(kHeader) + row("590001234", "u1", "derogatoire:2027-01-23"), kToday).ok());
  const auto past = read_facility_csv(std::string(kHeader) + row("590001234", "u1", "derogatoire:2026-11-22"), kToday);
  EXPECT_TRUE(mentions(past, 2, "expirée")) << past.report();
  const auto too_long = read_facility_csv(std::string(kHeader) + row("590001234", "u1", "derogatoire:2027-01-24"), kToday);
  EXPECT_TRUE(mentions(too_long, 2, "deux mois")) << too_long.report();
  const auto no_date = read_facility_csv(std::string(kHeader) + row("590001234", "u1", "derogatoire"), kToday);
  EXPECT_TRUE(mentions(no_date, 2, "AAAA-MM-JJ")) << no_date.report();
}

TEST(FacilityCsvTest, EveryBadValueIsNamedWithItsColumn) {
  const std::string bad =
      "59 0001,,castle,99,62041,95,3.06,112,autorise,,6,30,both,0,3,psy,maybe\n";
  const auto csv = read_facility_csv(std::string(kHeader) + bad, kToday);
  for (const char* column : {"facility_id", "name", "kind", "departement", "lat", "phone", "unit_id",
                             "age_max", "sex", "installed", "specialties", "emergency"}) {
    EXPECT_TRUE(mentions(csv, 2, column)) << column << " not reported:\n" << csv.report();
  }
}

// Issue #11: the CSV check applies the contract's text rules (the broker's), names the column and
// the rule, and its report never carries a control byte or invalid UTF-8 from the file.
TEST(FacilityCsvTest, HostileTextIsRefusedNamingTheColumnAndTheRule) {
  struct Case {
    std::string column;
    std::string value;
    std::string rule;
  };
  const std::vector<Case> cases = {
      {"name", "MECS \xff\xfe Lille", "UTF-8"},
      {"unit_id", "u\xc3", "UTF-8"},
      {"facility_id", "59000\xff\xff\xff\xff", "UTF-8"},
      {"name", std::string(10'000, 'A'), "10000 caractères, 200 au plus"},
      {"name", "\x1b[2J\x1b[31mMECS", "caractère de contrôle U+001B"},
      {"phone", "03 20 00 00 00\x1b]0;pwned\x07", "caractère de contrôle U+001B"},
      {"departement", std::string(400, '9'), "inconnu (01 à 95, 2A, 2B, 971 à 976)"},
      {"installed", "65535", "entier de 1 à 999"},
      {"lat", "nan", "nombre entre -90 et 90"},
      {"lon", "inf", "nombre entre -180 et 180"},
      {"facility_id", "59-0001", "FINESS"},
  };
  for (const auto& c : cases) {
    std::map<std::string, std::string> values = {
        {"facility_id", "590001234"}, {"name", "MECS"},  {"departement", "59"}, {"phone", "03 20 11 22 33"},
        {"unit_id", "u1"},            {"lat", "50.63"},  {"lon", "3.06"},       {"installed", "12"}};
    values[c.column] = c.value;
    const std::string line = values["facility_id"] + "," + values["name"] + ",mecs," + values["departement"] +
                             ",59350," + values["lat"] + "," + values["lon"] + "," + values["phone"] + ",autorise," +
                             values["unit_id"] + ",6,12,mixte," + values["installed"] + ",3,,non\n";
    const auto csv = read_facility_csv(std::string(kHeader) + line, kToday);
    EXPECT_FALSE(csv.ok()) << c.column;
    EXPECT_TRUE(csv.registration.facilities.empty());
    EXPECT_TRUE(mentions(csv, 2, c.column)) << c.column << ":\n" << csv.report();
    EXPECT_TRUE(mentions(csv, 2, c.rule)) << c.column << ":\n" << csv.report();
    const std::string report = csv.report();
    EXPECT_TRUE(wire::is_valid_utf8(report)) << c.column;
    EXPECT_EQ(report.find('\x1b'), std::string::npos) << c.column;
    EXPECT_LT(report.size(), 1000u) << c.column << ": a refused value is cited cut";
  }
}

TEST(FacilityCsvTest, RowsOfOneFacilityMustAgreeAndUnitsBeUnique) {
  std::string other_phone = row("590001234", "u2");
  other_phone.replace(other_phone.find("03 20 11 22 33"), 14, "03 20 99 99 99");
  const auto csv = read_facility_csv(std::string(kHeader) + row("590001234", "u1") + other_phone +
                                         row("590001234", "u1"),
                                     kToday);
  EXPECT_TRUE(mentions(csv, 3, "phone")) << csv.report();
  EXPECT_TRUE(mentions(csv, 4, "déjà déclarée ligne 2")) << csv.report();
}

TEST(FacilityCsvTest, HeaderProblemsAreExplained) {
  const auto missing = read_facility_csv("facility_id,name\n590001234,x\n", kToday);
  EXPECT_TRUE(mentions(missing, 1, "colonne(s) manquante(s)")) << missing.report();
  std::string semicolons = kHeader;
  std::replace(semicolons.begin(), semicolons.end(), ',', ';');
  EXPECT_TRUE(mentions(read_facility_csv(semicolons, kToday), 1, "séparé par des « ; »"));
  EXPECT_TRUE(mentions(read_facility_csv("", kToday), 0, "fichier vide"));
  EXPECT_TRUE(mentions(read_facility_csv(kHeader, kToday), 0, "que l'en-tête"));
}

TEST(FacilityCsvTest, SpreadsheetExportsAreAccepted) {
  // Byte-order mark, CRLF line ends, columns in another order, an extra column, a decimal comma.
  const std::string text =
      "\xEF\xBB\xBFunit_id,facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,"
      "age_min,age_max,sex,installed,max_siblings,specialties,emergency,remarks\r\n"
      "u1,590001234,Pouponnière,pouponniere,59,59350,\"50,63\",\"3,06\",03 20 11 22 33,autorise,0,3,mixte,"
      "15,2,nourrisson,oui,ouverte 24/7\r\n";
  const auto csv = read_facility_csv(text, kToday);
  ASSERT_TRUE(csv.ok()) << csv.report();
  EXPECT_DOUBLE_EQ(csv.registration.facilities[0]->lat, 50.63);
  EXPECT_EQ(csv.registration.facilities[0]->kind, wire::FacilityKind::pouponniere);
}

TEST(FacilityCsvTest, WrongFieldCountAndBrokenQuotesPointAtTheLine) {
  const auto csv = read_facility_csv(std::string(kHeader) + row("590001234", "u1") +
                                         "590005678,Foyer,mecs,59\n" + "590009999,\"Foyer,mecs\n",
                                     kToday);
  EXPECT_TRUE(mentions(csv, 3, "colonnes au lieu de 17")) << csv.report();
  EXPECT_TRUE(mentions(csv, 4, "guillemet")) << csv.report();
}

TEST(FacilityCsvTest, ReportIsCappedButCountsEverything) {
  std::string text = kHeader;
  for (int i = 0; i < 30; ++i) text += "x y,,,,,,,,,,,,,,,,\n";
  const auto csv = read_facility_csv(text, kToday);
  EXPECT_GT(csv.problem_count, kMaxReportedProblems);
  EXPECT_EQ(csv.problems.size(), kMaxReportedProblems);
  EXPECT_NE(csv.report().find("autres erreurs"), std::string::npos);
}

// Issue 10: a postal address and a unit's name, optional columns at the end of the header.
constexpr const char* kHeaderWithNames =
    "facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,unit_id,age_min,"
    "age_max,sex,installed,max_siblings,specialties,emergency,address,unit_name\n";

std::string named_row(const std::string& unit, const std::string& address, const std::string& unit_name) {
  std::string line = row("590001234", unit);
  line.pop_back();  // the newline
  return line + ",\"" + address + "\"," + unit_name + "\n";
}

TEST(FacilityCsvTest, AddressAndUnitNameColumnsAreRead) {
  const auto csv = read_facility_csv(std::string(kHeaderWithNames) +
                                         named_row("u1", "12 rue des Tilleuls, 59000 Lille", "Les Lucioles") +
                                         named_row("u2", "12 rue des Tilleuls, 59000 Lille", ""),
                                     kToday);
  ASSERT_TRUE(csv.ok()) << csv.report();
  const auto& facility = *csv.registration.facilities[0];
  EXPECT_EQ(facility.address, "12 rue des Tilleuls, 59000 Lille");
  ASSERT_EQ(facility.units.size(), 2u);
  EXPECT_EQ(facility.units[0]->name, "Les Lucioles");
  EXPECT_EQ(facility.units[1]->name, "") << "a unit's name may be left empty";
}

TEST(FacilityCsvTest, FilesWithoutTheNewColumnsStayValidAndEitherMayComeAlone) {
  const auto old = read_facility_csv(std::string(kHeader) + row("590001234", "u1"), kToday);
  ASSERT_TRUE(old.ok()) << old.report();
  EXPECT_EQ(old.registration.facilities[0]->address, "");
  EXPECT_EQ(old.registration.facilities[0]->units[0]->name, "");

  std::string header(kHeader);
  header.insert(header.size() - 1, ",unit_name");
  std::string line = row("590001234", "u1");
  line.insert(line.size() - 1, ",Les Lucioles");
  const auto names_only = read_facility_csv(header + line, kToday);
  ASSERT_TRUE(names_only.ok()) << names_only.report();
  EXPECT_EQ(names_only.registration.facilities[0]->units[0]->name, "Les Lucioles");
  EXPECT_EQ(names_only.registration.facilities[0]->address, "");
}

TEST(FacilityCsvTest, RowsOfOneFacilityMustAgreeOnItsAddressAndTextsAreBounded) {
  const auto disagree = read_facility_csv(std::string(kHeaderWithNames) + named_row("u1", "12 rue A", "") +
                                              named_row("u2", "14 rue B", ""),
                                          kToday);
  EXPECT_FALSE(disagree.ok());
  EXPECT_TRUE(mentions(disagree, 3, "address « 14 rue B » ne concorde pas avec « 12 rue A » ligne 2"))
      << disagree.report();

  const auto long_texts = read_facility_csv(
      std::string(kHeaderWithNames) + named_row("u1", std::string(201, 'a'), std::string(201, 'b')), kToday);
  EXPECT_FALSE(long_texts.ok());
  EXPECT_TRUE(mentions(long_texts, 2, "address : l'adresse postale dépasse 200 caractères")) << long_texts.report();
  EXPECT_TRUE(mentions(long_texts, 2, "unit_name : le nom de l'unité dépasse 200 caractères")) << long_texts.report();
}

}  // namespace
}  // namespace dispo::publishers
