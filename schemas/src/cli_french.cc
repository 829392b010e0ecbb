#include "dispo/schemas/cli_french.h"

#include <cctype>
#include <regex>
#include <utility>
#include <vector>

#include "dispo/schemas/version.h"

namespace dispo::wire {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// CLI11's type names (TEXT, INT, FLOAT…) as whole words, in French.
std::string french_type_names(const std::string& text) {
  static const std::vector<std::pair<std::string, std::string>> kWords = {
      {"TEXT", "TEXTE"},      {"INT", "ENTIER"},    {"UINT", "ENTIER"},  {"FLOAT", "NOMBRE"},
      {"BOOLEAN", "BOOLÉEN"}, {"FILE", "FICHIER"},  {"DIR", "DOSSIER"},  {"PATH", "CHEMIN"},
      {"in", "dans"}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (!word_char(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && word_char(text[end])) ++end;
    std::string word = text.substr(i, end - i);
    for (const auto& [english, french] : kWords) {
      if (word == english) {
        word = french;
        break;
      }
    }
    out += word;
    i = end;
  }
  return out;
}

class FrenchFormatter : public CLI::Formatter {
 public:
  FrenchFormatter() {
    label("Usage", "Utilisation");
    label("OPTIONS", "OPTIONS");
    label("SUBCOMMAND", "COMMANDE");
    label("SUBCOMMANDS", "COMMANDES");
    label("REQUIRED", "OBLIGATOIRE");
    label("Env", "variable");
    label("Needs", "avec");
    label("Excludes", "sauf avec");
    label("Positionals", "Arguments");
  }
  std::string make_option_opts(const CLI::Option* option) const override {
    return french_type_names(CLI::Formatter::make_option_opts(option));
  }
};

// "0.050000" → "0.05", "120.000000" → "120" (std::to_string's doubles in Range's message).
std::string plain_numbers(const std::string& text) {
  static const std::regex kTrailing(R"((\d+)\.(\d*?)0+\b)");
  std::string out = std::regex_replace(text, kTrailing, "$1.$2");
  static const std::regex kDot(R"((\d+)\.(?!\d))");
  return std::regex_replace(out, kDot, "$1");
}

// One rule: CLI11's English pattern and its French form ($1, $2… as std::regex_replace).
struct Rule {
  std::regex english;
  const char* french;
};

// A validator's message (after "NAME: ").
std::string french_validation(const std::string& message) {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> rules;
    auto add = [&](const char* english, const char* french) { rules.push_back({std::regex(english), french}); };
    add(R"(^Value ([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?) not in range (.*) to (.*)$)",
        "« $1 » hors des limites (de $2 à $3)");
    add(R"(^Value (.*) not in range (.*) to (.*)$)", "valeur illisible « $1 » (attendu : un nombre de $2 à $3)");
    add(R"(^(.*) not in \{(.*)\}$)", "« $1 » n'est pas une valeur possible ($2)");
    add(R"(^File does not exist: (.*)$)", "le fichier $1 n'existe pas");
    add(R"(^File is actually a directory: (.*)$)", "$1 est un dossier, pas un fichier");
    add(R"(^Directory does not exist: (.*)$)", "le dossier $1 n'existe pas");
    add(R"(^Directory is actually a file: (.*)$)", "$1 est un fichier, pas un dossier");
    add(R"(^Path does not exist: (.*)$)", "le chemin $1 n'existe pas");
    add(R"(^Path already exists: (.*)$)", "le chemin $1 existe déjà");
    add(R"(^Failed parsing (.*) as a (.*)$)", "« $1 » illisible (attendu : $2)");
    add(R"(^Value (.*) could not be converted.*$)", "« $1 » illisible");
    add(R"(^Input is empty$)", "valeur vide");
    return rules;
  }();
  for (const auto& rule : kRules) {
    if (std::regex_match(message, rule.english)) {
      return french_type_names(plain_numbers(std::regex_replace(message, rule.english, rule.french)));
    }
  }
  return message;  // our own validators already speak French
}

}  // namespace

std::string french_cli_error(const CLI::Error& error) {
  const std::string what = error.what();
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> rules;
    auto add = [&](const char* english, const char* french) { rules.push_back({std::regex(english), french}); };
    add(R"(^Could not convert: (.*) = (.*)$)", "$1 : valeur illisible « $2 »");
    add(R"(^The value (.*) is not an allowed value for (.*)$)", "$2 : « $1 » n'est pas une valeur permise");
    add(R"(^(.*): too many inputs for a flag$)", "$1 ne prend pas de valeur");
    add(R"(^(.*): Should be true/false or a number$)", "$1 : attendu true/false ou un nombre");
    add(R"(^A subcommand is required$)", "une commande est requise");
    add(R"(^Requires at least (\d+) subcommands$)", "au moins $1 commande(s) requise(s)");
    add(R"(^Exactly 1 option from \[(.*)\] is required and (\d+) were given$)",
        "exactement une option parmi [$1], $2 données");
    add(R"(^Exactly 1 option from \[(.*)\] is required$)", "une option parmi [$1] est obligatoire");
    add(R"(^At least 1 option from \[(.*)\] is required$)", "au moins une option parmi [$1] est obligatoire");
    add(R"(^Requires at least (\d+) options used and only (\d+) ?were given from \[(.*)\]$)",
        "au moins $1 options parmi [$3], $2 données");
    add(R"(^Requires at most 1 options be given from \[(.*)\]$)", "au plus une option parmi [$1]");
    add(R"(^Requires at most (\d+) options be used and (\d+) ?were given from \[(.*)\]$)",
        "au plus $1 options parmi [$3], $2 données");
    add(R"(^(.*) is required$)", "$1 est obligatoire");
    add(R"(^Expected exactly (\d+) arguments to (.*), got (\d+)$)", "$2 attend exactement $1 valeur(s), reçu $3");
    add(R"(^Expected at least (\d+) arguments to (.*), got (\d+)$)", "$2 attend au moins $1 valeur(s), reçu $3");
    add(R"(^(.*): At least (\d+) required but received (\d+)$)", "$1 attend au moins $2 valeur(s), reçu $3");
    add(R"(^(.*): At Most (\d+) required but received (\d+)$)", "$1 attend au plus $2 valeur(s), reçu $3");
    add(R"(^(.*): (\d+) required (.*) missing$)", "$1 : valeur manquante ($3)");
    add(R"(^(.*) was given a disallowed flag override$)", "$1 ne prend pas de valeur");
    add(R"(^(.*) requires (.*)$)", "$1 va avec $2 : donnez les deux");
    add(R"(^(.*) excludes (.*)$)", "$1 et $2 ne vont pas ensemble");
    add(R"(^The following arguments were not expected: (.*)$)", "arguments inattendus : $1");
    add(R"(^The following argument was not expected: (.*)$)", "argument inattendu : $1");
    add(R"(^INI was not able to parse (.*)$)", "fichier de configuration : clé inconnue ou valeur illisible : $1");
    add(R"(^(.*): This option is not allowed in a configuration file$)",
        "$1 n'est pas permis dans un fichier de configuration");
    add(R"(^(.*) was not readable \(missing\?\)$)", "$1 illisible (absent ?)");
    add(R"(^(.*): Too many positional arguments with unlimited expected args$)", "$1 : trop d'arguments");
    return rules;
  }();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    // CLI11 2.1 lists the unexpected arguments last first: put them back in the order typed.
    const auto colon = what.find(": ");
    if (colon != std::string::npos) {
      std::vector<std::string> words;
      std::string rest = what.substr(colon + 2);
      for (std::size_t start = 0; start <= rest.size();) {
        const auto space = rest.find(' ', start);
        words.push_back(rest.substr(start, space == std::string::npos ? std::string::npos : space - start));
        if (space == std::string::npos) break;
        start = space + 1;
      }
      std::string typed;
      for (auto word = words.rbegin(); word != words.rend(); ++word) typed += (typed.empty() ? "" : " ") + *word;
      return (words.size() > 1 ? "arguments inattendus : " : "argument inattendu : ") + typed;
    }
  }
  if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    const auto colon = what.find(": ");
    if (colon != std::string::npos) {
      return what.substr(0, colon) + " : " + french_validation(what.substr(colon + 2));
    }
    return french_validation(what);
  }
  for (const auto& rule : kRules) {
    if (std::regex_match(what, rule.english)) {
      return french_type_names(std::regex_replace(what, rule.english, rule.french));
    }
  }
  return "ligne de commande incorrecte (" + what + ")";
}

void speak_french(CLI::App& app, std::string_view program) {
  app.formatter(std::make_shared<FrenchFormatter>());
  app.set_help_flag("-h,--help", "Afficher cette aide et quitter");
  app.set_version_flag("--version", version_line(program), "Afficher la version et quitter");
  app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
    return failed->get_name() + " : " + french_cli_error(error) + " (voir " + failed->get_name() + " --help)\n";
  });
}

void name_subcommand_groups(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group() == "Subcommands") sub->group("Commandes");
    name_subcommand_groups(*sub);
  }
}

}  // namespace dispo::wire
