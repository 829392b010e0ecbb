#include <cstdio>
#include <memory>
#include <optional>

#include "dispo/publishers/outbox_request.h"
#include "publish_commands.h"

namespace dispo::publishers::cli {
namespace {

struct Count {
  const char* flag;
  std::optional<int> value;
};

struct UpdateOptions {
  std::string facility_id;
  std::string unit_id;
  Count counts[6] = {{"--available", {}}, {"--occupied", {}}, {"--reserved", {}},
                     {"--closed", {}},    {"--free-24h", {}}, {"--free-72h", {}}};
};

std::optional<std::uint16_t> as_count(const std::optional<int>& value) {
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

int run_update(const GlobalOptions& global, const UpdateOptions& options) {
  wire::AvailabilityUpdateT update;
  update.facility_id = options.facility_id;
  update.unit_id = options.unit_id;
  update.available = as_count(options.counts[0].value);
  update.occupied = as_count(options.counts[1].value);
  update.reserved = as_count(options.counts[2].value);
  update.closed = as_count(options.counts[3].value);
  update.free_24h = as_count(options.counts[4].value);
  update.free_72h = as_count(options.counts[5].value);
  const std::string counts = describe_counts(update);
  wire::RequestBodyUnion body;
  body.Set(std::move(update));
  return publish_through_outbox(global, std::move(body), "mise à jour", [&](std::uint64_t sequence) {
    std::printf("%s, unité %s : %s — enregistré (séquence %llu).\n", options.facility_id.c_str(),
                options.unit_id.c_str(), counts.c_str(), static_cast<unsigned long long>(sequence));
  });
}

struct ConfirmOptions {
  std::string facility_id;
  std::string unit_id;
};

int run_confirm(const GlobalOptions& global, const ConfirmOptions& options) {
  wire::ConfirmationT confirmation;
  confirmation.facility_id = options.facility_id;
  confirmation.unit_id = options.unit_id;
  wire::RequestBodyUnion body;
  body.Set(std::move(confirmation));
  const std::string what = options.unit_id.empty() ? "toutes les unités" : "unité " + options.unit_id;
  return publish_through_outbox(global, std::move(body), "confirmation", [&](std::uint64_t sequence) {
    std::printf("%s, %s : disponibilités confirmées, toujours à jour (séquence %llu).\n",
                options.facility_id.c_str(), what.c_str(), static_cast<unsigned long long>(sequence));
  });
}

}  // namespace

Command add_update_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("update", "Publier les places d'une unité (les comptes absents sont inchangés)");
  auto options = std::make_shared<UpdateOptions>();
  app->add_option("FACILITY", options->facility_id, "Identifiant de l'établissement (FINESS…)")->required();
  app->add_option("UNIT", options->unit_id, "Identifiant de l'unité")->required();
  const char* help[] = {"Places disponibles maintenant (libres ET avec le personnel pour accueillir)",
                        "Places occupées", "Places réservées (retenues pour un enfant)",
                        "Places fermées (travaux, manque de personnel…)",
                        "Places qui se libèrent dans les 24 h", "Places qui se libèrent dans les 72 h"};
  for (std::size_t i = 0; i < std::size(options->counts); ++i) {
    auto* option = app->add_option(options->counts[i].flag, options->counts[i].value, help[i])
                       ->check(CLI::Range(0, 65535));
    if (i == 0) option->required();
  }
  app->footer("Refusé, sans rien modifier, si disponibles + occupées + réservées + fermées dépasse la\n"
              "capacité installée de l'unité.");
  return {app, [&global, options] { return run_update(global, *options); }};
}

Command add_confirm_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand(
      "confirm", "Confirmer que les disponibilités publiées sont toujours à jour (sans les changer)");
  auto options = std::make_shared<ConfirmOptions>();
  app->add_option("FACILITY", options->facility_id, "Identifiant de l'établissement")->required();
  app->add_option("UNIT", options->unit_id, "Une seule unité (toutes par défaut)");
  app->footer("Sans confirmation dans le délai de fraîcheur du broker, les places d'une unité sont\n"
              "montrées comme périmées et ne comptent plus comme disponibles.");
  return {app, [&global, options] { return run_confirm(global, *options); }};
}

}  // namespace dispo::publishers::cli
