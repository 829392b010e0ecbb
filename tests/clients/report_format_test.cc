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
    row->children_waiting = 5;  // a sibling group counts for each of its children
    row->children_admitted = 2;
    result.rows.push_back(std::move(row));
  };
  add("2026-09-21", wire::FacilityKind::mecs, 10, 3);
  add("2026-09-21", wire::FacilityKind::foyer_urgence, 5, 0);
  add("2026-09-22", wire::FacilityKind::mecs, 10, 1);
  EXPECT_EQ(format_export_csv(result),
            "jour,type,installees,libres,reservees,perimees,demandes_en_attente,demandes_ouvertes,demandes_admises,"
            "enfants_en_attente,enfants_admis\n"
            "2026-09-21,mecs,10,2,0,0,3,0,0,5,2\n"
            "2026-09-21,foyer_urgence,5,2,0,0,,,,,\n"
            "2026-09-22,mecs,10,2,0,0,1,0,0,5,2\n");
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

// Issue 10: the record names the town of each unit considered, the unit's name and the place
// the family lives near, not codes and bare coordinates.
TEST(RecordReportTest, ShowsTownsUnitNamesAndTheCommuneNearTheFamily) {
  auto record = record_with(0);
  record.considered[0]->commune_insee = "59350";
  record.considered[0]->unit_name = "Les Lucioles";
  record.request->criteria->near_lat = 50.6309;
  record.request->criteria->near_lon = 3.0468;
  record.request->criteria->max_km = 30;
  const std::string text = format_record_text(record);
  EXPECT_NE(text.find("au plus 30,0 km de Lille (59) · point 50,6309 ; 3,0468"), std::string::npos) << text;
  EXPECT_NE(text.find(" Lille "), std::string::npos) << text;
  EXPECT_NE(text.find("unité « Les Lucioles » (u1)"), std::string::npos) << text;
  const std::string html = format_record_html(record);
  EXPECT_NE(html.find("<td>Lille</td><td>« Les Lucioles » (u1)</td>"), std::string::npos) << html;
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
  demand->children_waiting = 3;  // a sibling group of two and one child
  report.demand.push_back(std::move(demand));
  report.court_unexecuted = 2;
  report.court_children_waiting = 3;
  report.court_longest_wait_s = 40 * 86400;
  const std::string text = format_capacity(report);
  EXPECT_NE(text.find("2 (3 enfants sans place)"), std::string::npos) << text;
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


// A split group: each child's state and hold, how many still wait, and the split with who and why.
wire::PlacementRequestT split_group() {
  wire::PlacementRequestT request;
  request.id = "R-9";
  request.child_ref = "E59-0009";
  request.state = wire::RequestState::proposed;
  request.criteria = std::make_unique<wire::SearchQueryT>();
  request.criteria->departement = "59";
  for (int age : {4, 7, 10}) {
    request.criteria->children.push_back(std::make_unique<wire::ChildT>());
    request.criteria->children.back()->age = static_cast<std::uint8_t>(age);
  }
  auto place = [&](wire::ChildState state, const char* hold, const char* unit) {
    auto placement = std::make_unique<wire::ChildPlacementT>();
    placement->state = state;
    placement->hold_id = hold;
    placement->facility_id = "590000001";
    placement->unit_id = unit;
    if (state == wire::ChildState::admitted) placement->admitted_at = kT;
    request.placements.push_back(std::move(placement));
  };
  place(wire::ChildState::held, "H-12", "petits");
  place(wire::ChildState::admitted, "H-11", "grands");
  place(wire::ChildState::admitted, "H-11", "grands");
  request.children_waiting = 1;
  auto split = std::make_unique<wire::SiblingSplitT>();
  split->hold_id = "H-12";
  split->facility_id = "590000001";
  split->unit_id = "petits";
  split->children = {0};
  split->reason = "aucune unité pour 4 et 10 ans ensemble";
  split->by = "astreinte-59";
  split->at = kT;
  request.splits.push_back(std::move(split));
  return request;
}

TEST(RequestReportTest, EachChildOfASplitGroupSaysWhereItStands) {
  wire::RequestStatusT status;
  status.request = std::make_unique<wire::PlacementRequestT>(split_group());
  const std::string text = format_request_status(status);
  EXPECT_NE(text.find("Enfant 1 (4 ans) place réservée : H-12 sur 590000001/petits"), std::string::npos) << text;
  EXPECT_NE(text.find("Enfant 2 (7 ans) admis à 590000001/grands"), std::string::npos) << text;
  EXPECT_NE(text.find("Encore en attente 1 enfant sur 3"), std::string::npos) << text;
  EXPECT_NE(text.find("Fratrie séparée  enfant 1 vers 590000001/petits, décidé par astreinte-59"), std::string::npos)
      << text;
  EXPECT_NE(text.find("aucune unité pour 4 et 10 ans ensemble (Code civil, art. 371-5)"), std::string::npos) << text;
}

TEST(RecordReportTest, TheRecordShowsEachChildAndTheSplitWhoAndWhy) {
  wire::PlacementRecordT record = record_with(0);
  record.request = std::make_unique<wire::PlacementRequestT>(split_group());
  const std::string text = format_record_text(record);
  EXPECT_NE(text.find("Enfant 1 : 4 ans — place réservée (H-12, 590000001/petits)"), std::string::npos) << text;
  EXPECT_NE(text.find("Enfant 3 : 10 ans — admis (590000001/grands)"), std::string::npos) << text;
  EXPECT_NE(text.find("Enfants sans admission : 1 sur 3"), std::string::npos) << text;
  EXPECT_NE(text.find("Fratrie séparée (Code civil, art. 371-5) : enfant(s) 1 vers 590000001/petits (réservation "
                      "H-12), décidé par astreinte-59"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("motif : aucune unité pour 4 et 10 ans ensemble"), std::string::npos) << text;
  EXPECT_NE(format_record_html(record).find("Fratrie séparée"), std::string::npos);
}

}  // namespace
}  // namespace dispo::cli
