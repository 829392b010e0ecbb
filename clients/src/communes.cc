#include "dispo/clients/communes.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>
#include <set>

namespace dispo::client {

std::string_view national_communes_csv();  // generated from clients/data/communes.csv

namespace {

Error invalid(std::string message) { return make_error(wire::Status::invalid, std::move(message)); }

// The ASCII letters a Latin-1 letter (U+00C0–U+00FF) folds to; "" drops it.
std::string_view fold_latin1(char32_t c) {
  static constexpr std::string_view kFolded[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};
  return kFolded[c - 0xC0];
}

// Decodes one UTF-8 code point at `i` (advancing it); a malformed byte is returned as itself.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i++]);
  if (byte < 0x80) return byte;
  const int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
  if (extra == 0 || i + extra > text.size()) return byte;
  char32_t c = byte & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    const auto continuation = static_cast<unsigned char>(text[i + k]);
    if ((continuation & 0xC0) != 0x80) return byte;
    c = (c << 6) | (continuation & 0x3F);
  }
  i += extra;
  return c;
}

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<double> to_double(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void by_population(std::vector<const Commune*>& communes) {
  std::stable_sort(communes.begin(), communes.end(),
                   [](const Commune* a, const Commune* b) { return a->population > b->population; });
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::string upper_departement(std::string_view text) {
  std::string out = trim(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<const Commune*> in_departement(std::vector<const Commune*> communes, std::string_view departement) {
  if (departement.empty()) return communes;
  std::erase_if(communes, [&](const Commune* c) { return c->departement != departement; });
  return communes;
}

std::string list_candidates(const std::vector<const Commune*>& communes) {
  constexpr std::size_t kListed = 8;
  std::string out;
  for (std::size_t i = 0; i < communes.size() && i < kListed; ++i) out += "\n  " + describe_commune(*communes[i]);
  if (communes.size() > kListed) out += "\n  … et " + std::to_string(communes.size() - kListed) + " autres";
  return out;
}

}  // namespace

std::string describe_commune(const Commune& commune) {
  std::string out = commune.name + " (" + commune.departement;
  if (!commune.postcodes.empty()) out += ", " + commune.postcodes.front();
  return out + ", INSEE " + commune.insee + ")";
}

std::string fold_commune_name(std::string_view name) {
  std::string spaced;
  for (std::size_t i = 0; i < name.size();) {
    const char32_t c = next_code_point(name, i);
    if (c >= 'A' && c <= 'Z') {
      spaced += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      spaced += static_cast<char>(c);
    } else if (c >= 0xC0 && c <= 0xFF) {
      spaced += fold_latin1(c);
    } else if (c == 0x152 || c == 0x153) {
      spaced += "oe";
    } else {
      spaced += ' ';  // hyphens, apostrophes (straight or curly), dots, anything else
    }
  }
  std::string out;
  std::size_t start = 0;
  while (start < spaced.size()) {
    const auto begin = spaced.find_first_not_of(' ', start);
    if (begin == std::string::npos) break;
    auto end = spaced.find(' ', begin);
    if (end == std::string::npos) end = spaced.size();
    std::string_view word(spaced.data() + begin, end - begin);
    if (word == "st") word = "saint";
    if (word == "ste") word = "sainte";
    if (!out.empty()) out += ' ';
    out += word;
    start = end;
  }
  return out;
}

Result<Communes> Communes::parse(std::string_view csv) {
  Communes out;
  bool header = true;
  std::size_t line_number = 0;
  while (!csv.empty()) {
    const auto end = csv.find('\n');
    const std::string_view line = csv.substr(0, end);
    csv = end == std::string_view::npos ? std::string_view{} : csv.substr(end + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split_csv_line(line);
    if (header) {
      header = false;
      if (fields.size() < 7 || fields[0] != "insee") {
        return invalid("table des communes, ligne " + std::to_string(line_number) + " : en-tête inattendu");
      }
      continue;
    }
    const auto lat = fields.size() >= 7 ? to_double(fields[4]) : std::nullopt;
    const auto lon = fields.size() >= 7 ? to_double(fields[5]) : std::nullopt;
    if (!lat || !lon || fields[0].empty() || fields[1].empty()) {
      return invalid("table des communes, ligne " + std::to_string(line_number) + " illisible");
    }
    Commune commune{fields[0], fields[1], fields[2], {}, *lat, *lon, 0};
    std::from_chars(fields[6].data(), fields[6].data() + fields[6].size(), commune.population);
    std::string_view postcodes = fields[3];
    while (!postcodes.empty()) {
      const auto space = postcodes.find(' ');
      if (space != 0) commune.postcodes.emplace_back(postcodes.substr(0, space));
      postcodes = space == std::string_view::npos ? std::string_view{} : postcodes.substr(space + 1);
    }
    out.communes_.push_back(std::move(commune));
  }
  std::sort(out.communes_.begin(), out.communes_.end(),
            [](const Commune& a, const Commune& b) { return a.insee < b.insee; });
  for (std::size_t i = 0; i < out.communes_.size(); ++i) {
    out.names_.emplace_back(fold_commune_name(out.communes_[i].name), i);
    for (const auto& postcode : out.communes_[i].postcodes) out.postcodes_.emplace_back(postcode, i);
  }
  std::sort(out.names_.begin(), out.names_.end());
  std::sort(out.postcodes_.begin(), out.postcodes_.end());
  return out;
}

const Communes& Communes::national() {
  static const Communes table = [] {
    auto parsed = parse(national_communes_csv());
    return parsed ? std::move(*parsed) : Communes{};  // the embedded table is checked by its tests
  }();
  return table;
}

const Commune* Communes::by_insee(std::string_view code) const {
  const std::string wanted = upper_departement(code);
  const auto it = std::lower_bound(communes_.begin(), communes_.end(), wanted,
                                   [](const Commune& c, const std::string& code) { return c.insee < code; });
  return it != communes_.end() && it->insee == wanted ? &*it : nullptr;
}

std::vector<const Commune*> Communes::by_postcode(std::string_view postcode) const {
  std::vector<const Commune*> out;
  const std::string wanted = trim(postcode);
  auto it = std::lower_bound(postcodes_.begin(), postcodes_.end(), std::make_pair(wanted, std::size_t{0}));
  for (; it != postcodes_.end() && it->first == wanted; ++it) out.push_back(&communes_[it->second]);
  by_population(out);
  return out;
}

std::vector<const Commune*> Communes::by_name(std::string_view name) const {
  std::vector<const Commune*> out;
  const std::string wanted = fold_commune_name(name);
  if (wanted.empty()) return out;
  auto it = std::lower_bound(names_.begin(), names_.end(), std::make_pair(wanted, std::size_t{0}));
  for (; it != names_.end() && it->first == wanted; ++it) out.push_back(&communes_[it->second]);
  by_population(out);
  return out;
}

std::vector<const Commune*> Communes::suggest(std::string_view text, std::size_t limit) const {
  std::vector<const Commune*> out;
  const std::string typed = trim(text);
  if (typed.empty() || limit == 0) return out;
  std::set<const Commune*> seen;
  auto take = [&](const Commune* commune) {
    if (seen.insert(commune).second) out.push_back(commune);
  };
  if (all_digits(typed)) {
    for (auto it = std::lower_bound(postcodes_.begin(), postcodes_.end(), std::make_pair(typed, std::size_t{0}));
         it != postcodes_.end() && it->first.starts_with(typed); ++it) {
      take(&communes_[it->second]);
    }
    for (const auto& commune : communes_) {
      if (commune.insee.starts_with(typed)) take(&commune);
    }
  } else {
    const std::string folded = fold_commune_name(typed);
    if (folded.empty()) return out;
    for (auto it = std::lower_bound(names_.begin(), names_.end(), std::make_pair(folded, std::size_t{0}));
         it != names_.end() && it->first.starts_with(folded); ++it) {
      take(&communes_[it->second]);
    }
  }
  // Exact names first ("Lille" before "Lillebonne"), then the most populous.
  const std::string folded = fold_commune_name(typed);
  std::stable_sort(out.begin(), out.end(), [&](const Commune* a, const Commune* b) {
    const bool a_exact = fold_commune_name(a->name) == folded, b_exact = fold_commune_name(b->name) == folded;
    if (a_exact != b_exact) return a_exact;
    return a->population > b->population;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

const Commune* Communes::nearest(double lat, double lon) const {
  const Commune* best = nullptr;
  double best_distance = 0;
  const double scale = std::cos(lat * std::numbers::pi / 180.0);
  for (const auto& commune : communes_) {
    const double dy = commune.lat - lat, dx = (commune.lon - lon) * scale;
    const double distance = dx * dx + dy * dy;
    if (!best || distance < best_distance) {
      best = &commune;
      best_distance = distance;
    }
  }
  return best;
}

std::string Communes::town_name(std::string_view insee) const {
  const Commune* commune = by_insee(insee);
  return commune ? commune->name : std::string(insee);
}

Result<const Commune*> resolve_commune(const Communes& communes, std::string_view text,
                                       std::string_view departement) {
  std::string typed = trim(text);
  std::string wanted_departement = upper_departement(departement);
  // "Saint-Denis (93)": the département in brackets.
  if (const auto open = typed.rfind('('); open != std::string::npos && !typed.empty() && typed.back() == ')') {
    wanted_departement = upper_departement(typed.substr(open + 1, typed.size() - open - 2));
    typed = trim(typed.substr(0, open));
  }
  if (typed.empty()) return invalid("commune vide : donnez un nom, un code postal ou un code INSEE");

  const bool code = typed.size() == 5 && (all_digits(typed) || all_digits(typed.substr(2)));
  if (code) {
    std::vector<const Commune*> found;
    if (const Commune* by_code = communes.by_insee(typed)) found.push_back(by_code);
    const auto served = in_departement(communes.by_postcode(typed), wanted_departement);
    const Commune* by_post = served.empty() ? nullptr : served.front();
    if (by_post && (found.empty() || found.front() == by_post)) return by_post;
    if (by_post) {
      return invalid("« " + typed + " » est à la fois le code INSEE de " + describe_commune(*found.front()) +
                     " et un code postal de " + describe_commune(*by_post) +
                     " : donnez le nom de la commune");
    }
    if (!found.empty()) return found.front();
    return invalid("aucune commune n'a le code INSEE ou postal « " + typed + " »");
  }

  const auto named = communes.by_name(typed);
  const auto here = in_departement(named, wanted_departement);
  if (here.size() == 1) return here.front();
  if (here.empty()) {
    std::string message = "commune inconnue : « " + std::string(trim(text)) + " »";
    if (!named.empty()) {
      message += " n'existe pas dans le département " + wanted_departement + " ; communes de ce nom :" +
                 list_candidates(named);
      return invalid(message);
    }
    const auto close = communes.suggest(typed, 5);
    if (!close.empty()) message += " ; voulez-vous dire :" + list_candidates(close);
    return invalid(message);
  }
  return invalid(std::to_string(here.size()) + " communes s'appellent « " + typed + " » :" + list_candidates(here) +
                 "\nPrécisez le département (« " + typed + " (" + here.front()->departement +
                 ") »), le code postal ou le code INSEE.");
}

}  // namespace dispo::client
