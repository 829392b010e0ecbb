// dispo-sim: a simulated département publishing live availability to a broker, through an outbox
// like dispo-publish — for demonstrations, load and end-to-end tests.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "command_line_flags.h"
#include "dispo/publishers/outbox.h"
#include "dispo/publishers/simulator.h"
#include "simulation_run.h"

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) { stop_requested.store(true); }

constexpr std::string_view kProgram = "dispo-sim";

}  // namespace

int main(int argc, char** argv) {
  using namespace dispo;
  sim::SimulationOptions options;

  CLI::App app{"dispo-sim — un département simulé : ses établissements et unités sont enregistrés auprès du\n"
               "broker, puis admissions, départs, réservations et confirmations sont publiés en continu,\n"
               "comme le ferait dispo-publish. Les identifiants simulés ont la forme 59S000001.",
               "dispo-sim"};
  client::prepare_command_line(app, kProgram);
  app.footer("Départements disponibles : " + publishers::simulated_departement_list() +
             ".\nChaque mise à jour est gardée dans une file d'attente locale (--outbox) avant d'être envoyée :\n"
             "pendant une coupure du broker, la simulation continue et ses mises à jour attendent ; elles lui\n"
             "sont envoyées dans l'ordre à son retour, ou au prochain démarrage si dispo-sim a été arrêté.\n"
             "Codes de sortie : 0 terminé (durée écoulée ou Ctrl-C), tout est envoyé ; 1 refusé par le broker ;\n"
             "2 utilisation incorrecte ; 3 broker injoignable au démarrage ; 4 terminé, des mises à jour\n"
             "restent dans la file d'attente locale (envoyées au prochain démarrage) ; 5 authentification\n"
             "refusée par le broker (clé absente, inconnue ou révoquée).\n");
  client::add_connection_options(app, options.connection);
  app.add_option("--dept", options.departement, "Département simulé")->capture_default_str();
  app.add_option("--facilities", options.facilities, "Nombre d'établissements simulés")
      ->check(CLI::Range(std::size_t{1}, publishers::kMaxSimulatedFacilities))
      ->capture_default_str();
  app.add_option("--rate", options.rate, "Évènements publiés par seconde (admissions, départs…)")
      ->check(CLI::Range(0.01, 10000.0))
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Graine : la même graine donne les mêmes établissements et évènements")
      ->capture_default_str();
  app.add_option("--duration", options.duration_s,
                 "Durée en secondes après l'enregistrement et le premier tour (0 : jusqu'à Ctrl-C)")
      ->check(CLI::Range(0.0, 365.0 * 24 * 3600))
      ->capture_default_str();
  app.add_flag("--quiet", options.quiet, "Sans les lignes de progression (les problèmes restent signalés)");
  app.add_option("--outbox", options.outbox,
                 "Dossier de la file d'attente locale, ou variable DISPO_SIM_OUTBOX (défaut : " +
                     publishers::default_outbox_directory("sim-<département>").string() + ")")
      ->envname("DISPO_SIM_OUTBOX");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    return client::report_usage(kProgram, client::french_usage(error, app, ""));
  }
  if (publishers::find_simulated_departement(options.departement) == nullptr) {
    return client::report_usage(kProgram, "département « " + options.departement +
                                              " » non pris en charge (disponibles : " +
                                              publishers::simulated_departement_list() + ")");
  }

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  try {
    return sim::run_simulation(options, stop_requested);
  } catch (const std::exception& error) {  // the edge: nothing escapes as a crash
    std::fprintf(stderr, "dispo-sim : erreur interne : %s\n", error.what());
    return client::kRefused;
  }
}
