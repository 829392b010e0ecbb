// dispo: the on-call side's command line — find a place, look at a facility, watch the board.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "commands.h"

namespace {

// CLI11's own messages are English; the common ones are said again in French.
std::string french_usage(const CLI::ParseError& error) {
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
      std::string(error.what()).find("subcommand") != std::string::npos) {
    return "une commande est requise : find, facility ou board (voir dispo --help)";
  }
  std::string what = error.what();
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    return "argument obligatoire manquant — " + what + " (voir --help)";
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    return "option ou argument inconnu — " + what + " (voir --help)";
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr ||
      dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    return "valeur invalide — " + what + " (voir --help)";
  }
  return "utilisation incorrecte — " + what + " (voir --help)";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dispo::cli;
  CLI::App app{"dispo — places disponibles en protection de l'enfance (ASE) : rechercher, consulter, suivre.",
               "dispo"};
  app.set_help_all_flag("--help-all", "Aide de toutes les commandes");
  app.footer(
      "Codes de sortie : 0 réussi (y compris une recherche sans résultat), 1 refusé par le broker,\n"
      "2 utilisation incorrecte, 3 broker injoignable.\n");
  app.fallthrough();  // `dispo find --age 4 --broker …` as well as `dispo --broker … find`
  GlobalOptions global;
  app.add_option("--broker", global.broker, "Adresse du broker (api), ou variable DISPO_BROKER")
      ->envname("DISPO_BROKER")
      ->capture_default_str();
  app.add_option("--timeout", global.timeout_s, "Attente d'une réponse, en secondes (2 tentatives)")
      ->check(CLI::Range(0.05, 120.0))
      ->capture_default_str();
  app.require_subcommand(1);

  const Command commands[] = {add_find_command(app, global), add_facility_command(app, global),
                              add_board_command(app, global)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    return usage_error(french_usage(error));
  }
  for (const auto& command : commands) {
    if (command.app->parsed()) {
      try {
        return command.run();
      } catch (const std::exception& error) {  // the edge: nothing escapes as a crash
        std::fprintf(stderr, "dispo : erreur interne : %s\n", error.what());
        return kRefused;
      }
    }
  }
  return usage_error("une commande est requise : find, facility ou board (voir dispo --help)");
}
