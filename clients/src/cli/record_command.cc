// `dispo record`: the written record of a placement request, in text or printable HTML.
#include <cstdio>
#include <fstream>
#include <memory>

#include "commands.h"
#include "dispo/schemas/json.h"
#include "record_report.h"
#include "time_arguments.h"

namespace dispo::cli {
namespace {

struct RecordOptions {
  std::string id;
  std::string html;
  std::string at;
  std::uint64_t at_sequence = 0;
  bool json = false;
};

int run_record(const GlobalOptions& global, const RecordOptions& options, const CLI::App& app) {
  if (options.id.empty()) return usage_error("identifiant de demande vide");
  wire::RecordRequestT request;
  request.request_id = options.id;
  if (app.count("--at-sequence") > 0) request.sequence = options.at_sequence;
  if (!options.at.empty()) {
    auto at = parse_moment(options.at, "--at");
    if (!at) return usage_error(at.error().message);
    request.at = *at;
  }
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  return call_for(global, std::move(body), &wire::Reply::body_as_PlacementRecord, [&](const wire::PlacementRecord& record) {
    if (options.json) {
      return client::print_json("dispo", &record, "PlacementRecord");
    }
    std::unique_ptr<wire::PlacementRecordT> native(record.UnPack());
    client::print_text(format_record_text(*native));
    if (!options.html.empty()) {
      std::ofstream file(options.html, std::ios::binary | std::ios::trunc);
      file << format_record_html(*native);
      file.close();
      if (!file) return usage_error("impossible d'écrire " + options.html);
      std::fprintf(stderr, "Version imprimable écrite dans %s\n", options.html.c_str());
    }
    return static_cast<int>(kOk);
  });
}

}  // namespace

Command add_record_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand(
      "record", "Relevé daté d'une demande : recherche, historique, et pourquoi chaque place ne convenait pas");
  auto options = std::make_shared<RecordOptions>();
  app->add_option("REQUEST_ID", options->id, "Identifiant de la demande (R-…)")->required();
  app->add_option("--html", options->html, "Écrire aussi une version HTML imprimable dans ce fichier");
  app->add_option("--at-sequence", options->at_sequence,
                  "Reconstruire l'état à cette séquence du broker (rejoue le journal des événements)");
  app->add_option("--at", options->at,
                  "Instant auquel juger la fraîcheur (avec --at-sequence), ou instant passé à reconstruire");
  app->add_flag("--json", options->json, "Sortie JSON (PlacementRecord, noms du schéma)");
  app->footer("Le relevé indique la commande exacte qui le reproduit (--at-sequence N --at …).");
  return {app, [&global, options, app] { return run_record(global, *options, *app); }};
}

}  // namespace dispo::cli
