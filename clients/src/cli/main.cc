// dispo: the on-call side's command line — find a place, look at a facility, watch the board,
// file placement requests and hold places for them.
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace dispo::cli;
  CLI::App app{"dispo — places disponibles en protection de l'enfance (ASE) : rechercher, consulter, suivre.",
               "dispo"};
  dispo::client::prepare_command_line(app, "dispo");
  app.set_help_all_flag("--help-all", "Aide de toutes les commandes");
  app.footer(
      "Codes de sortie : 0 réussi (y compris une recherche sans résultat), 1 refusé par le broker,\n"
      "2 utilisation incorrecte, 3 broker injoignable, 5 authentification refusée (clé absente,\n"
      "inconnue, révoquée, ou pas la bonne clé publique du broker).\n");
  app.fallthrough();  // `dispo find --age 4 --broker …` as well as `dispo --broker … find`
  GlobalOptions global;
  dispo::client::add_connection_options(app, global);
  app.add_flag("--current", global.current,
               "Cluster : lecture à jour, donnée par le leader après confirmation (à utiliser avant de\n"
               "réserver) ; sans elle, tout nœud répond avec ce qu'il a");
  app.require_subcommand(1);

  std::vector<Command> commands = {add_find_command(app, global),         add_facility_command(app, global),
                                   add_board_command(app, global),        add_request_command(app, global),
                                   add_subscribe_command(app, global),    add_unsubscribe_command(app, global),
                                   add_subscriptions_command(app, global), add_watch_command(app, global),
                                   add_capacity_command(app, global),     add_export_command(app, global),
                                   add_record_command(app, global)};
  for (auto& command : add_hold_commands(app, global)) commands.push_back(std::move(command));
  return dispo::client::run_subcommands(app, commands,
                                        "find, facility, board, request, hold, admit, release, decline, subscribe, "
                                        "unsubscribe, subscriptions, watch, capacity, export ou record",
                                        argc, argv);
}
