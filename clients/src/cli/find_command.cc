#include <cstdio>
#include <memory>

#include "commands.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/names.h"
#include "find_query.h"
#include "find_report.h"

namespace dispo::cli {
namespace {

struct FindOptions {
  FindArguments arguments;
  double max_km = 0;
  int limit = 0;
  bool json = false;
};

int run_find(const GlobalOptions& global, const FindOptions& options, const CLI::App& app) {
  FindArguments arguments = options.arguments;
  if (app.count("--max-km") > 0) arguments.max_km = options.max_km;
  if (app.count("--limit") > 0) arguments.limit = options.limit;
  auto query = build_search_query(arguments);
  if (!query) return usage_error(query.error().message);

  wire::RequestBodyUnion body;
  body.Set(wire::SearchQueryT(*query));
  return call_and_print(global, std::move(body), "SearchResult", options.json, &wire::Reply::body_as_SearchResult,
                        [&](const wire::SearchResultT& result) { return format_search_result(result, *query); });
}

}  // namespace

Command add_find_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("find", "Chercher une place disponible maintenant pour un enfant ou une fratrie");
  auto options = std::make_shared<FindOptions>();
  auto& a = options->arguments;
  app->add_option("--age", a.ages, "Âge en années (0–21) ; une fois par enfant de la fratrie")
      ->allow_extra_args(false);
  app->add_option("--sex", a.sexes, "fille ou garcon (f, g, m ; x : non précisé) ; une fois pour tous ou une fois par --age")
      ->allow_extra_args(false);
  app->add_option("--need", a.needs, "Spécialité requise (répétable ; N:besoin pour le N-ième --age seulement) : " + wire::specialty_names())
      ->allow_extra_args(false);
  app->add_option("--dept", a.departement, "Département (59, 2A, 974…)");
  app->add_option("--kind", a.kinds, "Type d'établissement (répétable) : " + wire::facility_kind_names())
      ->allow_extra_args(false);
  app->add_option("--near", a.near, "Près d'une commune (Lille, « Saint-Denis (93) », 59000, code INSEE 59350) ou de LAT,LON (ex. 50.63,3.06)");
  app->add_option("--max-km", options->max_km, "Distance maximale depuis --near, en km");
  app->add_flag("--emergency", a.emergency, "Seulement les unités qui accueillent en urgence (24 h)");
  app->add_flag("--include-stale", a.include_stale, "Inclure les places dont les données sont périmées");
  app->add_option("--limit", options->limit, "Nombre maximal de résultats (20 par défaut)");
  app->add_flag("--json", options->json, "Sortie JSON (SearchResult, noms du schéma)");
  app->footer("Une recherche sans résultat sort avec le code 0 et le dit.");
  return {app, [&global, options, app] { return run_find(global, *options, *app); }};
}

}  // namespace dispo::cli
