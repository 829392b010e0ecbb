// `dispo export`: a CSV time series (per day and kind) of supply and unmet demand.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "commands.h"
#include "dispo/schemas/calendar.h"
#include "export_csv.h"
#include "find_query.h"

namespace dispo::cli {
namespace {

constexpr int kMaxDays = 366;

struct ExportOptions {
  std::string from;
  std::string to;
  std::string departement;
  std::string output;
};

std::optional<std::chrono::sys_days> parse_day(const std::string& text) {
  const auto day = wire::parse_iso_date(text);
  if (!day) return std::nullopt;
  return std::chrono::sys_days{*day};
}

int run_export(const GlobalOptions& global, const ExportOptions& options) {
  const auto from = parse_day(options.from);
  const auto to = parse_day(options.to);
  if (!from) return usage_error("--from : date attendue au format AAAA-MM-JJ (reçu « " + options.from + " »)");
  if (!to) return usage_error("--to : date attendue au format AAAA-MM-JJ (reçu « " + options.to + " »)");
  if (*from > *to) return usage_error("--from (" + options.from + ") est après --to (" + options.to + ")");
  if (const auto days = (*to - *from).count() + 1; days > kMaxDays) {
    return usage_error("période de " + std::to_string(days) + " jours : au plus " + std::to_string(kMaxDays) +
                       " jours par export (faire plusieurs exports)");
  }
  wire::ExportRequestT request;
  request.from = options.from;
  request.to = options.to;
  if (!options.departement.empty()) {
    auto departement = parse_departement(options.departement);
    if (!departement) return usage_error(departement.error().message);
    request.departement = *departement;
  }
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  return call_for(global, std::move(body), &wire::Reply::body_as_ExportResult, [&](const wire::ExportResult& result) {
    std::unique_ptr<wire::ExportResultT> native(result.UnPack());
    const std::string csv = format_export_csv(*native);
    if (options.output.empty()) {
      std::printf("%s", csv.c_str());
      return static_cast<int>(kOk);
    }
    std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
    file << csv;
    file.close();
    if (!file) return usage_error("impossible d'écrire " + options.output);
    std::fprintf(stderr, "%zu lignes écrites dans %s (séquence %llu)\n", native->rows.size(), options.output.c_str(),
                 static_cast<unsigned long long>(native->sequence));
    return static_cast<int>(kOk);
  });
}

}  // namespace

Command add_export_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("export", "Série CSV par jour et type : offre et demande non satisfaite");
  auto options = std::make_shared<ExportOptions>();
  app->add_option("--from", options->from, "Premier jour (AAAA-MM-JJ, jour UTC)")->required();
  app->add_option("--to", options->to, "Dernier jour inclus (AAAA-MM-JJ) ; au plus 366 jours")->required();
  app->add_option("--dept", options->departement, "Département (par défaut : tout votre territoire)");
  app->add_option("--output", options->output, "Fichier CSV à écrire (par défaut : sortie standard)");
  app->footer(
      "Colonnes : jour, type, installees, libres, reservees, perimees (fin de journée UTC),\n"
      "demandes_en_attente (fin de journée), demandes_ouvertes, demandes_admises (dans la journée).\n"
      "La demande n'est pas ventilée par type : elle figure sur la première ligne de chaque jour.");
  return {app, [&global, options] { return run_export(global, *options); }};
}

}  // namespace dispo::cli
