#include "dispo/publishers/facility_csv.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include "csv_records.h"
#include "dispo/schemas/printable.h"
#include "unit_row.h"

namespace dispo::publishers {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view column_name(Column c) { return kFacilityCsvColumns[static_cast<std::size_t>(c)]; }

// Collects problems in line order and keeps the count going past the cap.
class ProblemList {
 public:
  void add(std::size_t line, std::string message) { all_.push_back(CsvProblem{line, std::move(message)}); }
  bool empty() const { return all_.empty(); }

  void move_into(FacilityCsv& out) {
    std::stable_sort(all_.begin(), all_.end(),
                     [](const CsvProblem& a, const CsvProblem& b) { return a.line < b.line; });
    out.problem_count = all_.size();
    if (all_.size() > kMaxReportedProblems) all_.resize(kMaxReportedProblems);
    out.problems = std::move(all_);
  }

 private:
  std::vector<CsvProblem> all_;
};

// Where each documented column sits in the file; nullopt when a required one is missing.
std::optional<std::array<std::size_t, kColumnCount>> map_header(const CsvRecord& header, ProblemList& problems) {
  std::array<std::size_t, kColumnCount> index;
  index.fill(SIZE_MAX);
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = lower(header.fields[i]);
    const auto* found = std::find(std::begin(kFacilityCsvColumns), std::end(kFacilityCsvColumns), name);
    if (found == std::end(kFacilityCsvColumns)) continue;  // extra columns are allowed
    auto& slot = index[static_cast<std::size_t>(found - std::begin(kFacilityCsvColumns))];
    if (slot != SIZE_MAX) {
      problems.add(header.line, "en-tête : la colonne " + name + " apparaît deux fois");
      return std::nullopt;
    }
    slot = i;
  }
  std::string missing;
  for (std::size_t c = 0; c < kFirstOptionalCsvColumn; ++c) {
    if (index[c] != SIZE_MAX) continue;
    if (!missing.empty()) missing += ", ";
    missing += kFacilityCsvColumns[c];
  }
  if (missing.empty()) return index;
  std::string message = "en-tête : colonne(s) manquante(s) : " + missing;
  if (header.fields.size() == 1 && header.fields[0].find(';') != std::string::npos) {
    message += " (le fichier semble séparé par des « ; » : exportez-le avec des virgules)";
  }
  problems.add(header.line, message);
  return std::nullopt;
}

// Builds the registration row by row, grouping units under their facility.
class RegistrationBuilder {
 public:
  RegistrationBuilder(std::chrono::year_month_day today, ProblemList& problems)
      : today_(today), problems_(problems) {}

  void add(const CsvRecord& record, const std::array<std::size_t, kColumnCount>& index, std::size_t width) {
    if (record.fields.size() != width) {
      problems_.add(record.line, std::to_string(record.fields.size()) + " colonnes au lieu de " +
                                     std::to_string(width) + " (une virgule en trop ou en moins ? mettez entre " +
                                     "guillemets les valeurs qui contiennent une virgule)");
      return;
    }
    UnitRowText row;
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (index[c] != SIZE_MAX) row.values[c] = record.fields[index[c]];  // optional columns may be absent
    }
    std::vector<std::string> messages;
    auto parsed = parse_unit_row(row, today_, messages);
    check_facility_agrees(record.line, row);
    for (auto& message : messages) problems_.add(record.line, std::move(message));
    if (parsed) attach(record.line, std::move(*parsed));
  }

  wire::RegistrationT take() { return std::move(registration_); }

 private:
  struct Seen {
    std::size_t line;
    UnitRowText row;
    std::size_t slot = SIZE_MAX;                 // index in registration_.facilities
    std::map<std::string, std::size_t> units{};  // unit id -> line
  };

  void check_facility_agrees(std::size_t line, const UnitRowText& row) {
    const std::string& id = row[Column::facility_id];
    auto [it, fresh] = facilities_.try_emplace(id, Seen{line, row});
    if (fresh) return;
    for (std::size_t c = 1; c < kColumnCount; ++c) {
      const auto column = static_cast<Column>(c);
      if (!is_facility_column(column)) continue;
      if (same_facility_value(column, it->second.row[column], row[column])) continue;
      problems_.add(line, "établissement " + wire::quoted(id, 20) + " : " + std::string(column_name(column)) + " " +
                              wire::quoted(row[column]) + " ne concorde pas avec " +
                              wire::quoted(it->second.row[column]) + " ligne " +
                              std::to_string(it->second.line) +
                              " (les lignes d'un même établissement doivent concorder)");
    }
    const std::string& unit = row[Column::unit_id];
    auto [unit_it, new_unit] = it->second.units.try_emplace(unit, line);
    if (!new_unit) {
      problems_.add(line, "unité " + wire::quoted(unit, 20) + " de l'établissement " + wire::quoted(id, 20) +
                              " déjà déclarée ligne " +
                              std::to_string(unit_it->second));
    }
  }

  void attach(std::size_t line, UnitRow parsed) {
    Seen& seen = facilities_.at(parsed.facility.id);
    seen.units.try_emplace(parsed.unit.id, line);
    if (seen.slot == SIZE_MAX) {
      seen.slot = registration_.facilities.size();
      registration_.facilities.push_back(std::make_unique<wire::FacilityT>(std::move(parsed.facility)));
    }
    registration_.facilities[seen.slot]->units.push_back(std::make_unique<wire::UnitT>(std::move(parsed.unit)));
  }

  std::chrono::year_month_day today_;
  ProblemList& problems_;
  std::map<std::string, Seen> facilities_;
  wire::RegistrationT registration_;
};

}  // namespace

std::size_t FacilityCsv::unit_count() const {
  std::size_t units = 0;
  for (const auto& facility : registration.facilities) units += facility->units.size();
  return units;
}

std::string FacilityCsv::report() const {
  std::ostringstream out;
  for (const auto& problem : problems) {
    out << (problem.line == 0 ? std::string("fichier") : "ligne " + std::to_string(problem.line)) << " : "
        << problem.message << '\n';
  }
  if (problem_count > problems.size()) {
    const auto more = problem_count - problems.size();
    out << "… et " << more << (more > 1 ? " autres erreurs" : " autre erreur") << '\n';
  }
  return out.str();
}

FacilityCsv read_facility_csv(std::string_view text, std::chrono::year_month_day today) {
  FacilityCsv out;
  ProblemList problems;
  CsvRecords split = split_csv_records(text);
  for (auto& error : split.errors) problems.add(error.line, std::move(error.message));

  if (split.records.empty()) {
    problems.add(0, "fichier vide : une ligne d'en-tête puis une ligne par unité sont attendues");
  } else if (auto index = map_header(split.records.front(), problems)) {
    RegistrationBuilder builder(today, problems);
    const std::size_t width = split.records.front().fields.size();
    for (std::size_t r = 1; r < split.records.size(); ++r) builder.add(split.records[r], *index, width);
    if (split.records.size() == 1 && split.errors.empty()) {
      problems.add(0, "aucune unité : le fichier ne contient que l'en-tête");
    }
    if (problems.empty()) out.registration = builder.take();
  }
  problems.move_into(out);
  return out;
}

FacilityCsv read_facility_csv_file(const std::filesystem::path& path, std::chrono::year_month_day today) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (file) text << file.rdbuf();
  if (!file || file.bad()) {
    FacilityCsv out;
    out.problems.push_back(CsvProblem{0, "impossible de lire " + path.string()});
    out.problem_count = 1;
    return out;
  }
  return read_facility_csv(text.str(), today);
}

std::chrono::year_month_day local_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return std::chrono::year_month_day{std::chrono::year{local.tm_year + 1900},
                                     std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
                                     std::chrono::day{static_cast<unsigned>(local.tm_mday)}};
}

}  // namespace dispo::publishers
