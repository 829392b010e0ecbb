// dispo-admin: the operator's commands to a running broker — principals (who may connect, with
// which role and scope: grant, list, revoke; web accounts: grant --web, web-reset), backups and a
// cluster's members (admin_cluster.h). Admin principals only (with CURVE, pass an admin's --key;
// without CURVE, every local connection is the admin).
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

#include "admin_cluster.h"
#include "command_line_flags.h"
#include "dispo/clients/terminal_output.h"
#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/web_secrets.h"
#include "dispo/schemas/names.h"

namespace {

using namespace dispo;
using client::kOk;

constexpr const char* kProgram = "dispo-admin";

int fail_with(const Error& error) { return client::report_failure(kProgram, error); }
int usage(const std::string& message) { return client::report_usage(kProgram, message); }

struct AdminOptions {
  std::string name;
  std::string role;
  std::vector<std::string> facilities;
  std::vector<std::string> departements;
  std::string out_dir = ".";
  bool json = false;
  bool web = false;
  std::string directory;
};

// One attempt: an administrative change is not retried behind the operator's back.
Result<client::ReplyMessage> call(const client::ConnectionOptions& global, wire::RequestBodyUnion body) {
  zmq::context_t context;
  auto options = client::session_options(global, "dispo-admin");
  options.attempts = 1;
  auto session = client::open_session(context, options);
  if (!session) return session.error();
  return session->call(std::move(body));
}

// Makes a one-time enrolment code here, sends only its hash (WebAccountReset) and prints the code
// for the person, with the moment it expires.
int issue_enrolment(const client::ConnectionOptions& global, const std::string& name) {
  const std::string code = wire::new_enrolment_code();
  wire::WebAccountResetT reset;
  reset.name = name;
  reset.code_hash = wire::enrolment_code_hash(code);
  wire::RequestBodyUnion body;
  body.Set(std::move(reset));
  auto reply = call(global, std::move(body));
  if (!reply) return fail_with(reply.error());
  const auto* list = (*reply)->body_as_PrincipalList();
  const std::time_t until =
      list && list->principals() && list->principals()->size() == 1 ? list->principals()->Get(0)->enrolment_until() / 1000 : 0;
  std::tm local{};
  localtime_r(&until, &local);
  char when[64];
  std::strftime(when, sizeof when, "%d/%m/%Y à %H:%M", &local);
  std::printf("compte web de « %s » : code d'activation %s, à usage unique, valable jusqu'au %s\n"
              "(la personne choisit son mot de passe, 12 caractères au moins, sur la page d'activation de dispo-web)\n",
              name.c_str(), code.c_str(), when);
  return kOk;
}

// Generates the key pair here (the secret never travels), registers the public key, then writes
// NAME.key (mode 600) and NAME.pub into --out for the person or machine that will use them.
int run_grant(const client::ConnectionOptions& global, const AdminOptions& options) {
  const std::filesystem::path key_file = std::filesystem::path(options.out_dir) / (options.name + ".key");
  const std::filesystem::path public_file = std::filesystem::path(options.out_dir) / (options.name + ".pub");
  for (const auto& path : {key_file, public_file}) {
    if (std::filesystem::exists(path)) return usage(path.string() + " existe déjà : rien n'a été fait");
  }
  const wire::CurveKeyPair keys = wire::generate_key_pair();
  wire::PrincipalGrantT grant;
  grant.principal = std::make_unique<wire::PrincipalT>();
  grant.principal->name = options.name;
  grant.principal->public_key = keys.public_key;
  wire::Role role = wire::Role::facility;
  for (auto candidate : wire::EnumValuesRole()) {
    if (wire::same_name(options.role, wire::EnumNameRole(candidate))) role = candidate;
  }
  grant.principal->role = role;
  grant.principal->facilities = options.facilities;
  grant.principal->departements = options.departements;
  wire::RequestBodyUnion body;
  body.Set(std::move(grant));
  auto reply = call(global, std::move(body));
  if (!reply) return fail_with(reply.error());
  if (auto written = wire::write_key_file(key_file, keys, options.name); !written) return fail_with(written.error());
  if (auto written = wire::write_key_file(public_file, {keys.public_key, {}}, options.name); !written) {
    return fail_with(written.error());
  }
  std::printf("principal « %s » (%s) enregistré ; clés : %s (secrète, à remettre à son seul utilisateur), %s\n",
              options.name.c_str(), options.role.c_str(), key_file.c_str(), public_file.c_str());
  return options.web ? issue_enrolment(global, options.name) : kOk;
}

int run_revoke(const client::ConnectionOptions& global, const AdminOptions& options) {
  wire::PrincipalRevokeT revoke;
  revoke.name = options.name;
  wire::RequestBodyUnion body;
  body.Set(std::move(revoke));
  auto reply = call(global, std::move(body));
  if (!reply) return fail_with(reply.error());
  std::printf("principal « %s » révoqué : sa clé est refusée dès maintenant\n", options.name.c_str());
  return kOk;
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ",") + value;
  return text.empty() ? "-" : text;
}

int run_list(const client::ConnectionOptions& global, const AdminOptions& options) {
  wire::RequestBodyUnion body;
  body.Set(wire::PrincipalListRequestT{});
  auto reply = call(global, std::move(body));
  if (!reply) return fail_with(reply.error());
  const auto* list = (*reply)->body_as_PrincipalList();
  if (list == nullptr) return fail_with(make_error(wire::Status::malformed, "réponse inattendue du broker"));
  if (options.json) {
    return client::print_json("dispo-admin", list, "PrincipalList");
  }
  std::unique_ptr<wire::PrincipalListT> native(list->UnPack());
  std::printf("%-24s %-12s %-10s %-20s %s\n", "NOM", "RÔLE", "ÉTAT", "ÉTABLISSEMENTS", "DÉPARTEMENTS");
  for (const auto& principal : native->principals) {
    char columns[128];
    std::snprintf(columns, sizeof columns, "%-24s %-12s %-10s ", principal->name.c_str(),
                  wire::EnumNameRole(principal->role), principal->revoked ? "révoqué" : "actif");
    std::string facilities = joined(principal->facilities);
    if (facilities.size() < 20) facilities.resize(20, ' ');
    client::print_text(columns + facilities + " " + joined(principal->departements) + "\n");
  }
  return kOk;
}

int run_backup(const client::ConnectionOptions& global, const AdminOptions& options) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(options.directory, ec);
  if (ec) return usage("chemin invalide : " + options.directory);
  wire::BackupRequestT request;
  request.directory = absolute.lexically_normal().string();
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  auto reply = call(global, std::move(body));
  if (!reply) return fail_with(reply.error());
  std::printf("sauvegarde terminée : %s (séquence %llu)\n", absolute.lexically_normal().c_str(),
              static_cast<unsigned long long>((*reply)->sequence()));
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dispo-admin — administration d'un broker dispo en marche : principaux, sauvegardes, cluster.",
               kProgram};
  client::prepare_command_line(app, kProgram);
  app.footer("Codes de sortie : 0 réussi, 1 refusé par le broker, 2 utilisation incorrecte, 3 broker injoignable,\n"
             "5 authentification refusée (clé absente, inconnue, révoquée, ou pas la clé publique du broker).\n");
  app.fallthrough();
  client::ConnectionOptions connection;
  // One attempt of 10 s: a broker answers an administrative request in milliseconds, and a member
  // that does not (stopped, hung) is said so then, not minutes later. A backup (a checkpoint of a
  // large base) and a member added to a cluster wait longer: patient().
  connection.timeout_s = 10;
  client::add_connection_options(app, connection);
  app.require_subcommand(1);
  AdminOptions options;

  auto* grant = app.add_subcommand("grant", "Créer (ou remplacer) un principal ; sa paire de clés est créée ici");
  grant->add_option("NAME", options.name, "Nom du principal (ex. astreinte-59, mecs-les-tilleuls)")->required();
  grant->add_option("--role", options.role, "facility, on_call, hospital, judge, observatory, admin ou gateway (dispo-web)")
      ->required()
      ->check(CLI::IsMember({"facility", "on_call", "hospital", "judge", "observatory", "admin", "gateway"}, CLI::ignore_case));
  grant->add_flag("--web", options.web, "Aussi un compte web (dispo-web) : affiche un code d'activation valable 72 h");
  grant->add_option("--facility", options.facilities, "Établissement(s) publiés (rôle facility)");
  grant->add_option("--dept", options.departements,
                    "Département(s) du territoire (on_call, hospital, judge, observatory)");
  grant->add_option("--out", options.out_dir, "Répertoire où écrire NAME.key et NAME.pub")->capture_default_str();
  auto* list = app.add_subcommand("list", "Lister les principaux");
  list->add_flag("--json", options.json, "Sortie JSON (PrincipalList, noms du schéma)");
  auto* revoke = app.add_subcommand("revoke", "Révoquer un principal : sa clé est refusée dès maintenant");
  revoke->add_option("NAME", options.name, "Nom du principal")->required();
  auto* web_reset = app.add_subcommand(
      "web-reset", "Nouveau code d'activation web (72 h) pour NAME ; son mot de passe actuel est oublié");
  web_reset->add_option("NAME", options.name, "Nom du principal")->required();
  auto* backup = app.add_subcommand(
      "backup", "Copie cohérente des données du broker (checkpoint RocksDB) dans DIR, qui ne doit pas exister");
  backup->add_option("DIR", options.directory, "Répertoire de sauvegarde (créé ; sur la machine du broker)")
      ->required();

  std::vector<client::Subcommand> commands = {{grant, [&] { return run_grant(connection, options); }},
                                              {list, [&] { return run_list(connection, options); }},
                                              {revoke, [&] { return run_revoke(connection, options); }},
                                              {web_reset, [&] { return issue_enrolment(connection, options.name); }},
                                              {backup, [&] { return run_backup(client::patient(connection, app), options); }}};
  client::add_cluster_commands(app, connection, commands);
  return client::run_subcommands(app, commands, "grant, list, revoke, web-reset, backup ou cluster", argc, argv);
}
