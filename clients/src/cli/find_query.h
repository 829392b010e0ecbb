// `dispo find` arguments, as typed, turned into a wire SearchQuery after local checks.
// Every error is one French line naming the option at fault. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dispo/clients/communes.h"
#include "dispo/schemas/result.h"
#include "dispo/schemas/wire.h"

namespace dispo::cli {

inline constexpr int kMaxChildren = 20;   // a sibling group larger than this is a typo
inline constexpr int kMaxLimit = 1000;

struct FindArguments {
  std::vector<int> ages;               // one per child of the sibling group
  std::vector<std::string> sexes;      // none, one for all, or one per age
  std::vector<std::string> needs;      // Specialty names; "N:name" = the N-th child's own need
  std::string departement;
  std::vector<std::string> kinds;      // FacilityKind names
  std::string near;                    // "LAT,LON", or a commune: name, postcode, INSEE code
  std::optional<double> max_km;
  bool emergency = false;
  bool include_stale = false;
  std::optional<int> limit;
};

// Checks `arguments` and builds the query. Errors (status `invalid`): age outside 0–21, unknown
// sex, specialty or kind (listing the valid names), malformed département or --near, --max-km
// without --near, a --sex count that is neither 1 nor the number of --age, a limit out of range.
Result<wire::SearchQueryT> build_search_query(const FindArguments& arguments);

// A point for --near: "LAT,LON", or a commune of the national table (its centre) given by name
// ("Lille", "Saint-Denis (93)"), postcode or INSEE code; a non-empty `departement` narrows the
// name. Errors name --near: coordinates out of range, unknown or ambiguous commune (listed).
struct NearPoint {
  double lat = 0;
  double lon = 0;
  const client::Commune* commune = nullptr;  // when given as a commune
};
Result<NearPoint> parse_near(const std::string& text, const std::string& departement);

// "59", "2a" → "2A", "974"; an error naming --dept for anything that is not a département.
Result<std::string> parse_departement(const std::string& text);

// "fille", "f" → fille; "garcon", "garçon", "g", "m" → garcon; "x", "non_precise" → non_precise
// (so that one sex per child can leave one child's unsaid); nothing for anything else.
std::optional<wire::ChildSex> parse_child_sex(const std::string& text);

}  // namespace dispo::cli
