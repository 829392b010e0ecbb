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
  zmq::context_t context;
  auto session = open_session(context, global);
  if (!session) return usage_error(session.error().message);
  auto reply = session->call(std::move(body));
  if (!reply) return fail(reply.error());
  const auto* state = (*reply)->body_as_FacilityState();
  if (state == nullptr) return fail(make_error(wire::Status::malformed, "réponse inattendue du broker"));
  if (options.json) {
    std::printf("%s", wire::to_json(state, "FacilityState").c_str());
    return kOk;
  }
  std::unique_ptr<wire::FacilityStateT> native(state->UnPack());
  std::printf("%s", format_facility(*native, wire::now_ms()).c_str());
  return kOk;
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
