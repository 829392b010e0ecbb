#include <cstdio>
#include <memory>

#include "commands.h"
#include "dispo/schemas/json.h"
#include "facility_report.h"

namespace dispo::cli {
namespace {

struct FacilityOptions {
  std::string id;
  bool json = false;
};

int run_facility(const GlobalOptions& global, const FacilityOptions& options) {
  if (options.id.empty()) return usage_error("identifiant d'établissement vide");
  wire::FacilityRequestT request;
  request.facility_id = options.id;
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  return call_and_print(global, std::move(body), "FacilityState", options.json, &wire::Reply::body_as_FacilityState,
                        [](const wire::FacilityStateT& state) { return format_facility(state, wire::now_ms()); });
}

}  // namespace

Command add_facility_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("facility", "Afficher un établissement, ses unités et leurs disponibilités");
  auto options = std::make_shared<FacilityOptions>();
  app->add_option("ID", options->id, "Identifiant (numéro FINESS ou identifiant départemental)")->required();
  app->add_flag("--json", options->json, "Sortie JSON (FacilityState, noms du schéma)");
  return {app, [&global, options] { return run_facility(global, *options); }};
}

}  // namespace dispo::cli
