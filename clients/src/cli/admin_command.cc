// dispo admin: principals (who may connect, with which role and scope) — grant, list, revoke.
// Admin principals only; the broker refuses anyone else.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/json.h"

namespace dispo::cli {
namespace {

struct AdminOptions {
  std::string name;
  std::string role;
  std::vector<std::string> facilities;
  std::vector<std::string> departements;
  std::string out_dir = ".";
  bool json = false;
};

Result<client::ReplyMessage> call(const GlobalOptions& global, wire::RequestBodyUnion body) {
  zmq::context_t context;
  auto session = open_session(context, global);
  if (!session) return session.error();
  return session->call(std::move(body));
}

// Generates the key pair here (the secret never travels), registers the public key, then writes
// NAME.key (mode 600) and NAME.pub into --out for the person or machine that will use them.
int run_grant(const GlobalOptions& global, const AdminOptions& options) {
  const std::filesystem::path key_file = std::filesystem::path(options.out_dir) / (options.name + ".key");
  const std::filesystem::path public_file = std::filesystem::path(options.out_dir) / (options.name + ".pub");
  for (const auto& path : {key_file, public_file}) {
    if (std::filesystem::exists(path)) return usage_error(path.string() + " existe déjà : rien n'a été fait");
  }
  const wire::CurveKeyPair keys = wire::generate_key_pair();
  wire::PrincipalGrantT grant;
  grant.principal = std::make_unique<wire::PrincipalT>();
  grant.principal->name = options.name;
  grant.principal->public_key = keys.public_key;
  wire::Role role = wire::Role::facility;
  for (auto candidate : wire::EnumValuesRole()) {
    if (options.role == wire::EnumNameRole(candidate)) role = candidate;
  }
  grant.principal->role = role;
  grant.principal->facilities = options.facilities;
  grant.principal->departements = options.departements;
  wire::RequestBodyUnion body;
  body.Set(std::move(grant));
  auto reply = call(global, std::move(body));
  if (!reply) return fail(reply.error());
  if (auto written = wire::write_key_file(key_file, keys, options.name); !written) return fail(written.error());
  if (auto written = wire::write_key_file(public_file, {keys.public_key, {}}, options.name); !written) {
    return fail(written.error());
  }
  std::printf("principal « %s » (%s) enregistré ; clés : %s (secrète, à remettre à son seul utilisateur), %s\n",
              options.name.c_str(), options.role.c_str(), key_file.c_str(), public_file.c_str());
  return kOk;
}

int run_revoke(const GlobalOptions& global, const AdminOptions& options) {
  wire::PrincipalRevokeT revoke;
  revoke.name = options.name;
  wire::RequestBodyUnion body;
  body.Set(std::move(revoke));
  auto reply = call(global, std::move(body));
  if (!reply) return fail(reply.error());
  std::printf("principal « %s » révoqué : sa clé est refusée dès maintenant\n", options.name.c_str());
  return kOk;
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ",") + value;
  return text.empty() ? "-" : text;
}

int run_list(const GlobalOptions& global, const AdminOptions& options) {
  wire::RequestBodyUnion body;
  body.Set(wire::PrincipalListRequestT{});
  auto reply = call(global, std::move(body));
  if (!reply) return fail(reply.error());
  const auto* list = (*reply)->body_as_PrincipalList();
  if (list == nullptr) return fail(make_error(wire::Status::malformed, "réponse inattendue du broker"));
  if (options.json) {
    std::printf("%s", wire::to_json(list, "PrincipalList").c_str());
    return kOk;
  }
  std::unique_ptr<wire::PrincipalListT> native(list->UnPack());
  std::printf("%-24s %-12s %-10s %-20s %s\n", "NOM", "RÔLE", "ÉTAT", "ÉTABLISSEMENTS", "DÉPARTEMENTS");
  for (const auto& principal : native->principals) {
    std::printf("%-24s %-12s %-10s %-20s %s\n", principal->name.c_str(), wire::EnumNameRole(principal->role),
                principal->revoked ? "révoqué" : "actif", joined(principal->facilities).c_str(),
                joined(principal->departements).c_str());
  }
  return kOk;
}

}  // namespace

Command add_admin_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand(
      "admin", "Principaux (qui peut se connecter, avec quel rôle) : grant, list, revoke — administrateurs seulement");
  app->require_subcommand(1);
  auto options = std::make_shared<AdminOptions>();
  auto* grant = app->add_subcommand("grant", "Créer (ou remplacer) un principal et sa paire de clés");
  grant->add_option("NAME", options->name, "Nom du principal (ex. astreinte-59, mecs-les-tilleuls)")->required();
  grant->add_option("--role", options->role,
                    "facility, on_call, hospital, judge, observatory ou admin")
      ->required()
      ->check(CLI::IsMember({"facility", "on_call", "hospital", "judge", "observatory", "admin"}));
  grant->add_option("--facility", options->facilities, "Établissement(s) publiés (rôle facility)");
  grant->add_option("--dept", options->departements, "Département(s) du territoire (on_call, hospital, judge, observatory)");
  grant->add_option("--out", options->out_dir, "Répertoire où écrire NAME.key et NAME.pub")->capture_default_str();
  auto* list = app->add_subcommand("list", "Lister les principaux");
  list->add_flag("--json", options->json, "Sortie JSON (PrincipalList, noms du schéma)");
  auto* revoke = app->add_subcommand("revoke", "Révoquer un principal : sa clé est refusée dès maintenant");
  revoke->add_option("NAME", options->name, "Nom du principal")->required();
  return {app, [&global, options, grant, list] {
            if (grant->parsed()) return run_grant(global, *options);
            if (list->parsed()) return run_list(global, *options);
            return run_revoke(global, *options);
          }};
}

}  // namespace dispo::cli
