#include <cstdio>
#include <memory>

#include "dispo/publishers/facility_csv.h"
#include "publish_commands.h"

namespace dispo::publishers::cli {
namespace {

struct RegisterOptions {
  std::string file;
  bool check_only = false;
};

std::string summary(const FacilityCsv& csv) {
  const auto facilities = csv.registration.facilities.size();
  const auto units = csv.unit_count();
  return std::to_string(facilities) + (facilities > 1 ? " établissements, " : " établissement, ") +
         std::to_string(units) + (units > 1 ? " unités" : " unité");
}

// The whole file goes as ONE registration, so the broker applies all of it or nothing.
int run_register(const GlobalOptions& global, const RegisterOptions& options) {
  FacilityCsv csv = read_facility_csv_file(options.file, local_today());
  if (!csv.ok()) {
    std::fprintf(stderr, "%s : %s refusé, rien n'a été enregistré :\n%s", kProgram, options.file.c_str(),
                 csv.report().c_str());
    return client::kRefused;
  }
  if (options.check_only) {
    std::printf("%s : %s vérifiés, aucune erreur (rien n'a été envoyé).\n", options.file.c_str(),
                summary(csv).c_str());
    return client::kOk;
  }
  const std::string registered = summary(csv);
  return with_publisher(global, [&](Publisher& publisher) -> int {
    auto sequence = publisher.register_facilities(std::move(csv.registration));
    if (!sequence) {
      if (sequence.error().status != wire::Status::unavailable) {
        std::fprintf(stderr, "%s : %s refusé par le broker, rien n'a été enregistré.\n", kProgram,
                     options.file.c_str());
      }
      return fail(sequence.error());
    }
    std::printf("%s : %s enregistrés (séquence %llu).\n", options.file.c_str(), registered.c_str(),
                static_cast<unsigned long long>(*sequence));
    return client::kOk;
  });
}

}  // namespace

Command add_register_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand(
      "register", "Enregistrer ou remplacer des établissements et leurs unités depuis un fichier CSV");
  auto options = std::make_shared<RegisterOptions>();
  app->add_option("FILE", options->file, "Fichier CSV, une ligne par unité")->required();
  app->add_flag("--check", options->check_only, "Vérifier le fichier sans rien envoyer au broker");
  app->footer(
      "Colonnes (en-tête obligatoire, dans n'importe quel ordre) :\n"
      "  facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,\n"
      "  unit_id,age_min,age_max,sex,installed,max_siblings,specialties,emergency\n"
      "  puis, facultatives : address (adresse postale de l'établissement), unit_name (nom de l'unité)\n"
      "authorisation : autorise ou derogatoire:AAAA-MM-JJ (deux mois au plus) ; hôtels, gîtes et\n"
      "locations sont refusés (CASF L.221-2-3). specialties séparées par « ; ».\n"
      "Tout ou rien : une seule ligne en erreur et rien n'est enregistré ; chaque erreur est\n"
      "donnée avec son numéro de ligne.");
  return {app, [&global, options] { return run_register(global, *options); }};
}

}  // namespace dispo::publishers::cli
