#include "admin_cluster.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "dispo/clients/terminal_output.h"
#include "french.h"

namespace dispo::client {
namespace {

using cli::decimal;
using cli::fit;

constexpr const char* kProgram = "dispo-admin";

struct ClusterArguments {
  std::uint64_t node_id = 0;
  std::string raft_address;
  bool json = false;
};

// One attempt per member: a change is not repeated behind the operator's back, but a member that
// does not lead sends it on to the leader. `broker`: this endpoint instead of --broker's.
Result<ReplyMessage> call(const ConnectionOptions& global, wire::RequestBodyUnion body, const std::string& broker = {}) {
  zmq::context_t context;
  auto options = session_options(global, kProgram);
  options.attempts = 1;
  if (!broker.empty()) options.broker = broker;
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

// What the leader knows of a member: itself, up to date, behind by some entries, or silent.
std::string member_state(const wire::ClusterMemberStateT& member, const wire::ClusterStatusT& view) {
  if (member.contact == wire::MemberContact::unknown) return "?";
  if (member.id == view.node_id) return "leader";
  if (member.contact == wire::MemberContact::out_of_touch)
    return "injoignable depuis " + decimal(static_cast<double>(member.silent_ms) / 1000.0, 1) + " s au moins";
  if (member.replicated_index >= view.last_index) return "à jour";
  const std::uint64_t behind = view.last_index - member.replicated_index;
  return "en retard de " + std::to_string(behind) + (behind > 1 ? " entrées" : " entrée");
}

// The members as `view`'s node sees them (the leader knows each one's state; another node "?").
void print_members(const wire::ClusterStatusT& view) {
  const bool leads = view.role == wire::ClusterRole::leader;
  print_text(fit("NŒUD", 6) + " " + fit("ADRESSE RAFT", 22) + " " + fit("ADRESSE DES REQUÊTES", 28) + " " +
             fit(leads ? "ÉTAT (vu du leader)" : "ÉTAT", 36) + " VOTE\n");
  for (const auto& member : view.members) {
    print_text(fit(std::to_string(member->id), 6) + " " + fit(member->raft_address, 22) + " " +
               fit(member->api.empty() ? "-" : member->api, 28) + " " +
               fit(member_state(*member, view), 36) + " " + vote_name(member->vote) +
               (member->id == view.leader_id ? " (leader)" : "") + "\n");
  }
}

// A status answered by a node that does not lead: the members' states are the leader's to say,
// so the leader it names is asked too (one attempt) and its table shown; when it does not answer,
// or no longer leads, this node's table, with why.
void print_members_from_the_leader(const ConnectionOptions& global, const wire::ClusterStatusT& view) {
  wire::RequestBodyUnion body;
  body.Set(wire::ClusterStatusRequestT{});
  ConnectionOptions brief = global;  // a complement: a leader that does not answer at once is said so
  brief.timeout_s = std::min(global.timeout_s, 3.0);
  auto reply = call(brief, std::move(body), view.leader_api);
  const auto* status = reply ? (*reply)->body_as_ClusterStatus() : nullptr;
  if (status != nullptr && status->role() == wire::ClusterRole::leader) {
    std::unique_ptr<wire::ClusterStatusT> leader(status->UnPack());
    std::printf("les nœuds, vus du leader (nœud %llu) :\n", static_cast<unsigned long long>(leader->node_id));
    print_members(*leader);
    return;
  }
  print_members(view);
  // The reason may quote what a broker sent: shown through print_text (wire::printable).
  print_text("(l'état de chaque membre, à jour ou injoignable, est connu du leader, nœud " +
             std::to_string(view.leader_id) + ", qui n'a pas répondu : " +
             (reply ? std::string("il ne dirige plus le cluster") : reply.error().message) + ")\n");
}

// `global`: to ask the leader for the members' states when another node answered (nullptr: not).
int print_status(const ReplyMessage& reply, bool json, const ConnectionOptions* global = nullptr) {
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
  if (global != nullptr && view->role != wire::ClusterRole::leader && view->leader_id != 0 && !view->leader_api.empty()) {
    print_members_from_the_leader(*global, *view);
  } else {
    print_members(*view);
  }
  return kOk;
}

int run_status(const ConnectionOptions& global, const ClusterArguments& arguments) {
  wire::RequestBodyUnion body;
  body.Set(wire::ClusterStatusRequestT{});
  auto reply = call(global, std::move(body));
  if (!reply) return report_failure(kProgram, reply.error());
  return print_status(*reply, arguments.json, &global);
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
      "status", "L'état du cluster vu par le premier nœud de --broker qui répond : son rôle, le leader, le journal ;\n"
      "les nœuds et leur état vus du leader (demandé aussi quand ce nœud ne dirige pas)");
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
  // An added member is sent the whole state, then the log, before it votes and the command answers.
  commands.push_back({add, [&connection, &app, arguments] {
                       return run_change(patient(connection, app), wire::ClusterAction::add, *arguments);
                     }});
  commands.push_back({remove, [&connection, arguments] { return run_change(connection, wire::ClusterAction::remove, *arguments); }});
  commands.push_back({transfer, [&connection, arguments] { return run_change(connection, wire::ClusterAction::transfer, *arguments); }});
}

}  // namespace dispo::client
