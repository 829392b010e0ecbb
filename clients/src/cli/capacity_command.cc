// `dispo capacity`: aggregates for judges and the observatory, now or at a past moment.
#include <cstdio>
#include <memory>

#include "capacity_report.h"
#include "commands.h"
#include "dispo/schemas/json.h"
#include "find_query.h"
#include "time_arguments.h"

namespace dispo::cli {
namespace {

struct CapacityOptions {
  std::string departement;
  std::string at;
  bool json = false;
};

int run_capacity(const GlobalOptions& global, const CapacityOptions& options) {
  wire::CapacityRequestT request;
  if (!options.departement.empty()) {
    auto departement = parse_departement(options.departement);
    if (!departement) return usage_error(departement.error().message);
    request.departement = *departement;
  }
  if (!options.at.empty()) {
    auto at = parse_moment(options.at, "--at");
    if (!at) return usage_error(at.error().message);
    request.at = *at;
  }
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  return call_and_print(global, std::move(body), "CapacityReport", options.json,
                        &wire::Reply::body_as_CapacityReport,
                        [](const wire::CapacityReportT& report) { return format_capacity(report); });
}

}  // namespace

Command add_capacity_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand(
      "capacity", "Capacité d'accueil (agrégats) : places par type et tranche d'âge, demandes en attente");
  auto options = std::make_shared<CapacityOptions>();
  app->add_option("--dept", options->departement, "Département (par défaut : tout votre territoire)");
  app->add_option("--at", options->at,
                  "Instant passé, reconstruit depuis le journal : « AAAA-MM-JJ HH:MM[:SS] », "
                  "AAAA-MM-JJTHH:MM[:SS] ou AAAA-MM-JJ (minuit) en heure locale, suivi de Z pour UTC");
  app->add_flag("--json", options->json, "Sortie JSON (CapacityReport, noms du schéma)");
  app->footer("Aucune donnée individuelle : ni enfant, ni établissement. Une unité compte dans chaque tranche "
              "d'âge que son agrément recouvre.");
  return {app, [&global, options] { return run_capacity(global, *options); }};
}

}  // namespace dispo::cli
