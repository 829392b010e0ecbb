#include <cstdio>
#include <memory>
#include <optional>

#include "publish_commands.h"

namespace dispo::publishers::cli {
namespace {

struct Count {
  const char* flag;
  const char* label;  // "disponible(s)"
  std::optional<int> value;
};

struct UpdateOptions {
  std::string facility_id;
  std::string unit_id;
  Count counts[6] = {{"--available", "disponible", {}}, {"--occupied", "occupée", {}},
                     {"--reserved", "réservée", {}},   {"--closed", "fermée", {}},
                     {"--free-24h", "libérable sous 24 h", {}}, {"--free-72h", "libérable sous 72 h", {}}};
};

std::optional<std::uint16_t> as_count(const std::optional<int>& value) {
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

// "2 disponibles, 9 occupées" — only what was sent.
std::string describe(const UpdateOptions& options) {
  std::string text;
  for (const auto& count : options.counts) {
    if (!count.value) continue;
    if (!text.empty()) text += ", ";
    std::string label = count.label;
    if (*count.value > 1 && label.find(' ') == std::string::npos) label += "s";
    text += std::to_string(*count.value) + " " + label;
  }
  return text;
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
  return with_publisher(global, [&](Publisher& publisher) -> int {
    auto sequence = publisher.update(std::move(update));
    if (!sequence) return fail(sequence.error());
    std::printf("%s, unité %s : %s — enregistré (séquence %llu).\n", options.facility_id.c_str(),
                options.unit_id.c_str(), describe(options).c_str(),
                static_cast<unsigned long long>(*sequence));
    return client::kOk;
  });
}

struct ConfirmOptions {
  std::string facility_id;
  std::string unit_id;
};

int run_confirm(const GlobalOptions& global, const ConfirmOptions& options) {
  return with_publisher(global, [&](Publisher& publisher) -> int {
    auto sequence = publisher.confirm(options.facility_id, options.unit_id);
    if (!sequence) return fail(sequence.error());
    const std::string what = options.unit_id.empty() ? "toutes les unités" : "unité " + options.unit_id;
    std::printf("%s, %s : disponibilités confirmées, toujours à jour (séquence %llu).\n",
                options.facility_id.c_str(), what.c_str(), static_cast<unsigned long long>(*sequence));
    return client::kOk;
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
