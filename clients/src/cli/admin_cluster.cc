#include "admin_cluster.h"

#include <cstdio>
#include <memory>
#include <string>

#include "dispo/clients/terminal_output.h"

namespace dispo::client {
namespace {

constexpr const char* kProgram = "dispo-admin";

struct ClusterArguments {
  std::uint64_t node_id = 0;
  std::string raft_address;
  bool json = false;
};

// One attempt per member: a change is not repeated behind the operator's back, but a member that
// does not lead sends it on to the leader.
Result<ReplyMessage> call(const ConnectionOptions& global, wire::RequestBodyUnion body) {
  zmq::context_t context;
  auto options = session_options(global, kProgram);
  options.attempts = 1;
  auto session = open_session(context, options);
  if (!session) return session.error();
  return session->call(std::move(body));
}

const char* role_name(wire::ClusterRole role) {
  switch (role) {
    case wire::ClusterRole::leader: return "leader";
    case wire::ClusterRole::follower: return "suiveur";
    case wire::ClusterRole::candidate: return "candidat (élection en cours)";
    case wire::ClusterRole::unavailable: break;
  }
  return "indisponible";
}

const char* vote_name(wire::MemberVote vote) {
  switch (vote) {
    case wire::MemberVote::voter: return "votant";
    case wire::MemberVote::standby: return "réplique sans vote";
    case wire::MemberVote::spare: return "en attente (ne reçoit rien)";
  }
  return "?";
}

int print_status(const ReplyMessage& reply, bool json) {
  const auto* status = reply->body_as_ClusterStatus();
  if (status == nullptr) return report_failure(kProgram, make_error(wire::Status::malformed, "réponse inattendue du broker"));
  if (json) return print_json(kProgram, status, "ClusterStatus");
  std::unique_ptr<wire::ClusterStatusT> view(status->UnPack());
  std::printf("nœud %llu : %s\n", static_cast<unsigned long long>(view->node_id), role_name(view->role));
  if (view->leader_id == 0) {
    std::printf("leader : AUCUN — ce nœud ne joint pas la majorité : il refuse les écritures et répond aux lectures "
                "avec ce qu'il a (sans nouvelles d'un leader depuis %.1f s)\n",
                static_cast<double>(view->lag_ms) / 1000.0);
  } else {
    std::printf("leader : nœud %llu (%s)\n", static_cast<unsigned long long>(view->leader_id), view->leader_api.c_str());
  }
  std::printf("journal : entrées %llu à %llu, appliquées jusqu'à %llu, dernier instantané à %llu\n",
              static_cast<unsigned long long>(view->first_index), static_cast<unsigned long long>(view->last_index),
              static_cast<unsigned long long>(view->applied_index),
              static_cast<unsigned long long>(view->snapshot_index));
  std::printf("%-6s %-22s %-28s %s\n", "NŒUD", "ADRESSE RAFT", "ADRESSE DES REQUÊTES", "VOTE");
  for (const auto& member : view->members) {
    print_text(std::to_string(member->id) + std::string(member->id < 10 ? "      " : "     "));
    char line[256];
    std::snprintf(line, sizeof line, "%-22s %-28s %s%s\n", member->raft_address.c_str(),
                  member->api.empty() ? "-" : member->api.c_str(), vote_name(member->vote),
                  member->id == view->leader_id ? " (leader)" : "");
    print_text(line);
  }
  return kOk;
}

int run_status(const ConnectionOptions& global, const ClusterArguments& arguments) {
  wire::RequestBodyUnion body;
  body.Set(wire::ClusterStatusRequestT{});
  auto reply = call(global, std::move(body));
  if (!reply) return report_failure(kProgram, reply.error());
  return print_status(*reply, arguments.json);
}

int run_change(const ConnectionOptions& global, wire::ClusterAction action, const ClusterArguments& arguments) {
  wire::ClusterChangeT change;
  change.action = action;
  change.node_id = arguments.node_id;
  change.raft_address = arguments.raft_address;
  wire::RequestBodyUnion body;
  body.Set(std::move(change));
  auto reply = call(global, std::move(body));
  if (!reply) return report_failure(kProgram, reply.error());
  switch (action) {
    case wire::ClusterAction::add:
      std::printf("nœud %llu ajouté : il a reçu l'état du cluster et vote\n",
                  static_cast<unsigned long long>(arguments.node_id));
      break;
    case wire::ClusterAction::remove:
      std::printf("nœud %llu retiré du cluster : il peut être arrêté\n", static_cast<unsigned long long>(arguments.node_id));
      break;
    case wire::ClusterAction::transfer:
      std::printf("direction transférée\n");
      break;
  }
  return print_status(*reply, arguments.json);
}

}  // namespace

void add_cluster_commands(CLI::App& app, const ConnectionOptions& connection, std::vector<Subcommand>& commands) {
  auto arguments = std::make_shared<ClusterArguments>();
  auto* cluster = app.add_subcommand("cluster", "Cluster de brokers : état, ajout et retrait de nœuds, transfert de la direction");
  cluster->require_subcommand(1);
  auto* status = cluster->add_subcommand(
      "status", "L'état du cluster vu par le premier nœud de --broker : son rôle, le leader, le journal, les nœuds");
  status->add_flag("--json", arguments->json, "Sortie JSON (ClusterStatus, noms du schéma)");
  auto* add = cluster->add_subcommand(
      "add", "Ajouter un nœud (démarré avec --join, répertoire vide) : il reçoit l'état, puis vote");
  add->add_option("ID", arguments->node_id, "Numéro du nouveau nœud")->required()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  add->add_option("ADRESSE", arguments->raft_address, "Son adresse Raft HÔTE:PORT (ex. 127.0.0.1:7404)")->required();
  auto* remove = cluster->add_subcommand("remove", "Retirer un nœud du cluster (ensuite, l'arrêter)");
  remove->add_option("ID", arguments->node_id, "Numéro du nœud")->required()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  auto* transfer = cluster->add_subcommand(
      "transfer", "Transférer la direction (avant une maintenance du leader) au nœud ID, ou au suiveur le plus à jour");
  transfer->add_option("ID", arguments->node_id, "Numéro du nœud qui prend la direction (défaut : le plus à jour)");
  commands.push_back({status, [&connection, arguments] { return run_status(connection, *arguments); }});
  commands.push_back({add, [&connection, arguments] { return run_change(connection, wire::ClusterAction::add, *arguments); }});
  commands.push_back({remove, [&connection, arguments] { return run_change(connection, wire::ClusterAction::remove, *arguments); }});
  commands.push_back({transfer, [&connection, arguments] { return run_change(connection, wire::ClusterAction::transfer, *arguments); }});
}

}  // namespace dispo::client
