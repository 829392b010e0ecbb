// dispo-publish: the facility side's command line — register facilities from a CSV, publish a
// unit's availability, confirm it is still current.
#include <unistd.h>

#include <cstdio>

#include "publish_commands.h"

namespace dispo::publishers::cli {

int with_publisher(const GlobalOptions& global, const std::function<int(Publisher&)>& use) {
  zmq::context_t context;
  auto options = client::session_options(global.connection, global.client_id);
  if (auto checked = client::open_session(context, options); !checked) {
    return usage_error(checked.error().message);
  }
  Publisher publisher(context, options);
  return use(publisher);
}

namespace {

// "dispo-publish@<host>#<random>": readable in `confirmed_by`, unique per process.
std::string default_client_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "local");
  return std::string(kProgram) + "@" + host + "#" + client::random_client_id().substr(0, 8);
}

}  // namespace
}  // namespace dispo::publishers::cli

int main(int argc, char** argv) {
  using namespace dispo::publishers::cli;
  namespace client = dispo::client;
  CLI::App app{"dispo-publish — un établissement publie ses places : enregistrement des unités, "
               "disponibilités, « toujours à jour ».",
               kProgram};
  app.footer(
      "Codes de sortie : 0 accepté et enregistré durablement par le broker, 1 refusé (fichier ou\n"
      "valeurs incohérentes, établissement inconnu… rien n'a été modifié), 2 utilisation incorrecte,\n"
      "3 broker injoignable (rien n'a été enregistré : recommencez plus tard).\n");
  app.fallthrough();
  GlobalOptions global;
  client::add_connection_options(app, global.connection);
  app.add_option("--client-id", global.client_id,
                 "Identifiant stable de ce poste de publication, ou variable DISPO_CLIENT_ID")
      ->envname("DISPO_CLIENT_ID");
  app.require_subcommand(1);

  const Command commands[] = {add_register_command(app, global), add_update_command(app, global),
                              add_confirm_command(app, global)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    return usage_error(client::french_usage(error, app, "register, update ou confirm"));
  }
  if (global.client_id.empty()) global.client_id = default_client_id();
  for (const auto& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.run();
    } catch (const std::exception& error) {  // the edge: nothing escapes as a crash
      std::fprintf(stderr, "%s : erreur interne : %s\n", kProgram, error.what());
      return client::kRefused;
    }
  }
  return usage_error("une commande est requise : register, update ou confirm (voir dispo-publish --help)");
}
