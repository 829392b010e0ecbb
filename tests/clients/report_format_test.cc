// The report commands' pure parts: times as typed, the export CSV, the written record in text
// and HTML (escaped, and saying plainly when no place suited), the capacity table.
#include <gtest/gtest.h>

#include <cstdlib>

#include "capacity_report.h"
#include "export_csv.h"
#include "record_report.h"
#include "report_time.h"
#include "request_report.h"

namespace dispo::cli {
namespace {

constexpr std::int64_t kT = 1'790'000'000'000;  // 2026-09-21T14:13:20Z

TEST(ReportTimeTest, AcceptsUtcOffsetsAndLocalForms) {
  EXPECT_EQ(*parse_time("2026-09-21T14:13:20Z"), kT);
  EXPECT_EQ(*parse_time("2026-09-21T14:13:20.250Z"), kT + 250);
  EXPECT_EQ(*parse_time("2026-09-21T16:13:20+02:00"), kT);
  EXPECT_EQ(*parse_time("2026-09-21T14:13Z"), kT - 20'000);
  ::setenv("TZ", "Europe/Paris", 1);
  ::tzset();
  EXPECT_EQ(*parse_time("2026-09-21 16:13:20"), kT);  // summer time: UTC+2
  EXPECT_EQ(*parse_time("2026-09-21T16:13"), kT - 20'000);
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(utc_time_exact(kT + 7), "2026-09-21T14:13:20.007Z");
  EXPECT_EQ(*parse_time(utc_time_exact(kT + 7)), kT + 7);
  for (const char* bad : {"2026-09-21", "2026-02-30T10:00Z", "21/09/2026 10:00", "2026-09-21T25:00Z",
                          "2026-09-21T10:00+2", "2026-09-21T10:00:0Z", "hier"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
  }
}

TEST(ExportCsvTest, HeaderThenOneRowPerDayAndKindWithDemandOnTheFirst) {
  wire::ExportResultT result;
  auto add = [&](const char* day, wire::FacilityKind kind, std::uint32_t installed, std::uint32_t open) {
    auto row = std::make_unique<wire::ExportRowT>();
    row->day = day;
    row->kind = kind;
    row->installed = installed;
    row->free = 2;
    row->requests_open = open;
    result.rows.push_back(std::move(row));
  };
  add("2026-09-21", wire::FacilityKind::mecs, 10, 3);
  add("2026-09-21", wire::FacilityKind::foyer_urgence, 5, 0);
  add("2026-09-22", wire::FacilityKind::mecs, 10, 1);
  EXPECT_EQ(format_export_csv(result),
            "jour,type,installees,libres,reservees,perimees,demandes_en_attente,demandes_ouvertes,demandes_admises\n"
            "2026-09-21,mecs,10,2,0,0,3,0,0\n"
            "2026-09-21,foyer_urgence,5,2,0,0,,,\n"
            "2026-09-22,mecs,10,2,0,0,1,0,0\n");
}

wire::PlacementRecordT record_with(std::uint32_t suitable) {
  wire::PlacementRecordT record;
  record.request = std::make_unique<wire::PlacementRequestT>();
  record.request->id = "R-42";
  record.request->child_ref = "ENF-<script>";
  record.request->criteria = std::make_unique<wire::SearchQueryT>();
  record.request->criteria->departement = "59";
  auto child = std::make_unique<wire::ChildT>();
  child->age = 9;
  record.request->criteria->children.push_back(std::move(child));
  record.sequence = 812;
  record.at = kT;
  record.suitable = suitable;
  auto considered = std::make_unique<wire::ConsiderationT>();
  considered->facility_id = "590000001";
  considered->facility_name = "Foyer \"Les <Tilleuls>\" & Cie";
  considered->unit_id = "u1";
  considered->suitable = suitable > 0;
  considered->reason = wire::RefusalReason::full;
  considered->detail = "0 place disponible sur 10";
  record.considered.push_back(std::move(considered));
  auto entry = std::make_unique<wire::RecordEntryT>();
  entry->sequence = 800;
  entry->time = kT - 3'600'000;
  entry->by = "astreinte-59";
  entry->what = "demande ouverte";
  record.history.push_back(std::move(entry));
  return record;
}

TEST(RecordReportTest, TextSaysPlainlyThatNoPlaceSuitedAndHowToReproduce) {
  const std::string text = format_record_text(record_with(0));
  EXPECT_NE(text.find("Aucune place adaptée n'existait à ce moment"), std::string::npos) << text;
  EXPECT_NE(text.find("dispo record R-42 --at-sequence 812 --at 2026-09-21T14:13:20.000Z"), std::string::npos) << text;
  EXPECT_NE(text.find("complet"), std::string::npos) << text;
  EXPECT_NE(text.find("séq. 800"), std::string::npos) << text;
  EXPECT_EQ(format_record_text(record_with(1)).find("Aucune place adaptée"), std::string::npos);
}

TEST(RecordReportTest, HtmlIsStandaloneAndEscapesEverything) {
  const std::string html = format_record_html(record_with(0));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("Foyer &quot;Les &lt;Tilleuls&gt;&quot; &amp; Cie"), std::string::npos);
  EXPECT_NE(html.find("ENF-&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<Tilleuls>"), std::string::npos);
  EXPECT_NE(html.find("Aucune place adaptée"), std::string::npos);
  EXPECT_EQ(html_escape("a'b"), "a&#39;b");
}

TEST(CapacityReportTest, SaysBandsOverlapAndShowsCourtOrders) {
  wire::CapacityReportT report;
  report.at = kT;
  report.departement = "59";
  auto row = std::make_unique<wire::CapacityRowT>();
  row->kind = wire::FacilityKind::mecs;
  row->age_band = "6-10";
  row->installed = 10;
  row->free = 3;
  row->stale = 2;
  report.rows.push_back(std::move(row));
  auto demand = std::make_unique<wire::DemandRowT>();
  demand->origin = wire::Origin::court;
  demand->open = 2;
  demand->median_wait_s = 3 * 86400;
  demand->p90_wait_s = 40 * 86400;
  demand->longest_wait_s = 40 * 86400;
  report.demand.push_back(std::move(demand));
  report.court_unexecuted = 2;
  report.court_longest_wait_s = 40 * 86400;
  const std::string text = format_capacity(report);
  EXPECT_NE(text.find("ne pas additionner les tranches"), std::string::npos) << text;
  EXPECT_NE(text.find("tribunal"), std::string::npos) << text;
  EXPECT_NE(text.find("40 j 0 h"), std::string::npos) << text;
  EXPECT_NE(text.find("Décisions judiciaires non exécutées"), std::string::npos) << text;
}

// A request's status shows each child's own needs next to that child.
TEST(RequestReportTest, EachChildShowsItsOwnNeeds) {
  wire::RequestStatusT status;
  status.request = std::make_unique<wire::PlacementRequestT>();
  status.request->id = "R-7";
  status.request->child_ref = "E59-0007";
  status.request->keep_together = true;
  status.request->criteria = std::make_unique<wire::SearchQueryT>();
  status.request->criteria->departement = "59";
  for (int age : {4, 9}) {
    status.request->criteria->children.push_back(std::make_unique<wire::ChildT>());
    status.request->criteria->children.back()->age = static_cast<std::uint8_t>(age);
  }
  status.request->criteria->children[1]->needs = {wire::Specialty::soins_psy};
  const std::string text = format_request_status(status);
  EXPECT_NE(text.find("4 ans, 9 ans (soins psychiques)"), std::string::npos) << text;
}

}  // namespace
}  // namespace dispo::cli
