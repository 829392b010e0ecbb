// dispo-admin: operator commands sent to a running broker. For now `backup DIR`, used by
// ops/backup: a consistent copy of the broker's data, answered once complete.
#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>

#include "dispo/clients/command_line.h"

namespace {

using namespace dispo;

int run_backup(const client::ConnectionOptions& connection, const std::string& directory) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(directory, ec);
  if (ec) return client::report_usage("dispo-admin", "chemin invalide : " + directory);
  zmq::context_t context;
  // One attempt: a backup is not retried behind the operator's back.
  auto options = client::session_options(connection, "dispo-admin");
  options.attempts = 1;
  auto session = client::open_session(context, options);
  if (!session) return client::report_failure("dispo-admin", session.error());
  wire::BackupRequestT request;
  request.directory = absolute.lexically_normal().string();
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  auto reply = session->call(std::move(body));
  if (!reply) return client::report_failure("dispo-admin", reply.error());
  std::printf("sauvegarde terminée : %s (séquence %llu)\n", absolute.lexically_normal().c_str(),
              static_cast<unsigned long long>((*reply)->sequence()));
  return client::kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dispo-admin — commandes d'exploitation d'un broker dispo en marche.", "dispo-admin"};
  app.footer("Codes de sortie : 0 réussi, 1 refusé par le broker, 2 utilisation incorrecte, 3 broker injoignable.\n");
  app.fallthrough();
  client::ConnectionOptions connection;
  connection.timeout_s = 120;  // a checkpoint of a large base takes time; one attempt only
  client::add_connection_options(app, connection);
  app.require_subcommand(1);

  std::string directory;
  auto* backup = app.add_subcommand(
      "backup", "Copie cohérente des données du broker (checkpoint RocksDB) dans DIR, qui ne doit pas exister");
  backup->add_option("DIR", directory, "Répertoire de sauvegarde (créé ; sur la machine du broker)")->required();
  const client::Subcommand commands[] = {{backup, [&] { return run_backup(connection, directory); }}};
  return client::run_subcommands(app, commands, "backup", argc, argv);
}
