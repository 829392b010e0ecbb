// dispo-publish: the facility side's command line — register facilities from a CSV, publish a
// unit's availability, confirm it is still current.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "dispo/publishers/outbox.h"
#include "publish_commands.h"

namespace dispo::publishers::cli {

std::string default_client_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "local");
  return std::string(kProgram) + "@" + host + "#" + client::random_client_id().substr(0, 8);
}

int with_publisher(const GlobalOptions& global, const std::function<int(Publisher&)>& use) {
  zmq::context_t context;
  auto options = client::session_options(global.connection,
                                         global.client_id.empty() ? default_client_id() : global.client_id);
  if (auto checked = client::open_session(context, options); !checked) {
    return usage_error(checked.error().message);
  }
  Publisher publisher(context, options);
  return use(publisher);
}

}  // namespace dispo::publishers::cli

int main(int argc, char** argv) {
  using namespace dispo::publishers::cli;
  namespace client = dispo::client;
  CLI::App app{"dispo-publish — un établissement publie ses places : enregistrement des unités, "
               "disponibilités, « toujours à jour ».",
               kProgram};
  client::prepare_command_line(app, kProgram);
  app.footer(
      "Mises à jour et confirmations passent par une file d'attente locale (--outbox) : gardées sur\n"
      "le disque avant l'envoi, elles sont envoyées dans l'ordre, et celles que le broker n'a pas\n"
      "reçues partent à la commande suivante (ou avec « dispo-publish flush »).\n"
      "Codes de sortie : 0 accepté et enregistré durablement par le broker, 1 refusé (fichier ou\n"
      "valeurs incohérentes, établissement inconnu… rien n'a été modifié), 2 utilisation incorrecte,\n"
      "3 broker injoignable (rien n'a été enregistré ni gardé : recommencez plus tard),\n"
      "4 broker injoignable, mise à jour gardée dans la file d'attente locale : elle sera envoyée\n"
      "au retour du broker (flush : il en reste en attente),\n"
      "5 authentification refusée (le broker exige une clé, ou la clé est inconnue, révoquée, ou ce\n"
      "n'est pas la clé publique du broker) : rien n'a été gardé, la mise à jour ne pourrait jamais partir.\n");
  app.fallthrough();
  GlobalOptions global;
  client::add_connection_options(app, global.connection);
  app.add_option("--client-id", global.client_id,
                 "Identifiant stable de ce poste de publication, ou variable DISPO_CLIENT_ID")
      ->envname("DISPO_CLIENT_ID");
  app.add_option("--outbox", global.outbox,
                 "Dossier de la file d'attente locale, ou variable DISPO_OUTBOX (défaut : " +
                     dispo::publishers::default_outbox_directory("outbox").string() + ")")
      ->envname("DISPO_OUTBOX");
  app.require_subcommand(1);

  const Command commands[] = {add_register_command(app, global), add_update_command(app, global),
                              add_confirm_command(app, global),  add_flush_command(app, global),
                              add_outbox_command(app, global)};
  return client::run_subcommands(app, commands, "register, update, confirm, flush ou outbox", argc, argv);
}
