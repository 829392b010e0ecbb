// Reading the facility/unit CSV a département exports from its spreadsheets into one
// Registration (all or nothing). Pure functions, thread-safe.
//
// Columns (header row required, any order, extra columns ignored), one row per unit:
//   facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,
//   unit_id,age_min,age_max,sex,installed,max_siblings,specialties,emergency[,address][,unit_name]
// The last two are optional (files written before them stay valid): `address` is the facility's
// postal address on one line (rows of one facility agree on it), `unit_name` the name people use
// for the unit ("Les Lucioles"); each at most 200 characters, may be empty.
// RFC 4180 quoting, UTF-8 text. Rows of one facility must agree on its facility columns.
// `authorisation` is `autorise` or `derogatoire:AAAA-MM-JJ` (end date, not past, at most
// two months after the reference date: CASF L.221-2-3); hotels, gîtes, rentals and anything
// else are refused.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/dispo_generated.h"

namespace dispo::publishers {

// The column names, in the documented order.
inline constexpr std::string_view kFacilityCsvColumns[] = {
    "facility_id", "name",      "kind",    "departement", "commune_insee", "lat",
    "lon",         "phone",     "authorisation", "unit_id", "age_min",     "age_max",
    "sex",         "installed", "max_siblings",  "specialties", "emergency",
    "address",     "unit_name"};

// The first optional column: every column from it on may be absent from the header.
inline constexpr std::size_t kFirstOptionalCsvColumn = 17;

// Problems listed in a report; the count goes on beyond it.
inline constexpr std::size_t kMaxReportedProblems = 20;

// One problem for a person to fix, in French. line 0 = the file as a whole.
struct CsvProblem {
  std::size_t line = 0;
  std::string message;
};

// The outcome of reading a file: a registration, or the problems and an empty registration.
struct FacilityCsv {
  wire::RegistrationT registration;  // empty unless ok()
  std::vector<CsvProblem> problems;  // the first kMaxReportedProblems, in line order
  std::size_t problem_count = 0;     // every problem found

  bool ok() const { return problem_count == 0; }
  std::size_t unit_count() const;
  // "ligne 4 : …" lines, then "… et N autres erreurs" when the list was capped.
  std::string report() const;
};

// Reads CSV `text`; `today` is the reference date for derogation end dates.
FacilityCsv read_facility_csv(std::string_view text, std::chrono::year_month_day today);

// Same, from a file; an unreadable file is a line-0 problem.
FacilityCsv read_facility_csv_file(const std::filesystem::path& path,
                                   std::chrono::year_month_day today);

// Today's date on this machine's local clock (for the command line tools).
std::chrono::year_month_day local_today();

}  // namespace dispo::publishers
