// The national table of communes (clients/data/communes.csv, made by ops/communes-table from
// INSEE's Code officiel géographique and Etalab's commune outlines): a commune's name, INSEE code,
// département, postcodes and centre. It turns what a person types for a place — "Lille",
// "saint-andre-lez-lille", "Saint-Denis (93)", a postcode "59000", an INSEE code "59350" — into
// coordinates, and an INSEE code into a town's name. A centre is the middle of the commune's
// bounding box: good to a few kilometres, not an address.
//
// `Communes` is an immutable value once built: const methods are thread-safe. `national()` parses
// the table embedded in the binary on first use (thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/result.h"

namespace dispo::client {

struct Commune {
  std::string insee;                   // "59350", "2A004"
  std::string name;                    // "Lille"
  std::string departement;             // "59", "2A", "974"
  std::vector<std::string> postcodes;  // "59000", "59160", …
  double lat = 0;
  double lon = 0;
  std::uint32_t population = 0;
};

// "Lille (59, 59000, INSEE 59350)": enough to tell two communes of one name apart.
std::string describe_commune(const Commune& commune);

// A name as compared: lower case, accents and ligatures removed, hyphens and apostrophes as
// spaces, "st"/"ste" as "saint"/"sainte", single spaces. "Saint-André-lez-Lille" and
// "st andre lez lille" fold alike.
std::string fold_commune_name(std::string_view name);

class Communes {
 public:
  // Parses the CSV written by ops/communes-table (lines starting with '#' are comments; header
  // `insee,nom,departement,codes_postaux,lat,lon,population`). An error names the bad line.
  static Result<Communes> parse(std::string_view csv);

  // The table shipped with dispo.
  static const Communes& national();

  std::size_t size() const { return communes_.size(); }

  const Commune* by_insee(std::string_view code) const;                      // nullptr if unknown
  std::vector<const Commune*> by_postcode(std::string_view postcode) const;  // most populous first
  std::vector<const Commune*> by_name(std::string_view name) const;          // folded, most populous first
  // Up to `limit` communes whose folded name starts with the folded `text`, or whose postcode or
  // INSEE code starts with `text` when it is digits: most populous first (for autocompletion).
  std::vector<const Commune*> suggest(std::string_view text, std::size_t limit) const;
  // The commune whose centre is closest to the point (nullptr for an empty table).
  const Commune* nearest(double lat, double lon) const;
  // The town's name for an INSEE code, or the code itself when the table does not know it.
  std::string town_name(std::string_view insee) const;

 private:
  std::vector<Commune> communes_;                               // by INSEE code
  std::vector<std::pair<std::string, std::size_t>> names_;      // folded name -> index, sorted
  std::vector<std::pair<std::string, std::size_t>> postcodes_;  // postcode -> index, sorted
};

// What a person typed for a place, as a commune: an INSEE code, a postcode (the most populous
// commune it serves), or a name, optionally followed by its département in brackets
// ("Saint-Denis (93)"). A non-empty `departement` (--dept) narrows names and postcodes to it.
// Errors (status invalid), in French: no such commune; several communes of that name, each listed
// with its département, postcode and INSEE code and how to choose.
Result<const Commune*> resolve_commune(const Communes& communes, std::string_view text,
                                       std::string_view departement = {});

}  // namespace dispo::client
