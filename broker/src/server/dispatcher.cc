#include "dispatcher.h"

#include <algorithm>

#include "dispo/schemas/spdlog.h"

#include "dispo/schemas/printable.h"

#include "model/logger.h"
#include "model/replies.h"
#include "model/request_fields.h"
#include "request_table.h"
#include "writes/web_accounts.h"

namespace dispo::broker {
namespace {

// A client id keys stored replies, owns alerts and appears in logs: visible ASCII only, bounded.
constexpr std::size_t kMaxClientIdLength = 128;
bool valid_client_id(std::string_view id) {
  return id.size() <= kMaxClientIdLength &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// Administrative changes are logged as such, with who made them (issue #11); refusals are logged
// by refuse(). Names of facilities and principals only: never a child reference.
void log_admin_action(const wire::Request& request, const RequestContext& context, std::uint64_t sequence) {
  const std::string& by = context.principal->name;
  switch (request.body_type()) {
    case wire::RequestBody::Registration: {
      const auto* facilities = request.body_as_Registration()->facilities();
      std::string ids;
      const std::size_t count = facilities ? facilities->size() : 0;
      for (std::size_t i = 0; i < count && i < 5; ++i) {
        const auto* id = facilities->Get(i)->id();
        ids += (ids.empty() ? "" : ",") + (id ? id->str() : std::string("?"));
      }
      if (count > 5) ids += ",…";
      logger()->info("admin action=register facilities={} ids={} by={} client={} seq={}", count, ids, by,
                     context.client_id, sequence);
      return;
    }
    case wire::RequestBody::PrincipalGrant: {
      const auto* principal = request.body_as_PrincipalGrant()->principal();
      logger()->info("admin action=grant principal={} role={} by={} client={} seq={}",
                     principal && principal->name() ? principal->name()->str() : "?",
                     principal ? wire::EnumNameRole(principal->role()) : "?", by, context.client_id, sequence);
      return;
    }
    case wire::RequestBody::PrincipalRevoke: {
      const auto* name = request.body_as_PrincipalRevoke()->name();
      logger()->info("admin action=revoke principal={} by={} client={} seq={}", name ? name->str() : "?", by,
                     context.client_id, sequence);
      return;
    }
    default:
      return;
  }
}

void note(Dispatcher::Outcome* outcome, Dispatcher::Outcome value) {
  if (outcome != nullptr) *outcome = value;
}

}  // namespace

std::string Dispatcher::refuse(std::string_view peer, std::uint64_t request_id, const Error& error,
                               const wire::PrincipalT& principal) {
  ++stats_.refusals;
  logger()->info("refused peer={} principal={} request={} status={} reason=\"{}\"", peer,
                 principal.name, request_id, wire::EnumNameStatus(error.status), wire::printable(error.message));
  return encode_error(request_id, error, state_->sequence);
}

std::string Dispatcher::handle(const RequestOrigin& origin, const wire::PrincipalT& sender,
                               std::string_view frame, PendingCommit& pending, std::int64_t now_ms,
                               const std::string& today, Outcome* outcome) {
  const std::string_view peer = origin.peer;
  note(outcome, Outcome::stands);  // refusals stand whatever the commit does
  auto message = wire::decode(frame.data(), frame.size(), max_message_bytes_);
  if (!message) return refuse(peer, 0, message.error(), sender);
  const wire::Request* envelope = (*message)->body_as_Request();
  if (envelope == nullptr) {
    return refuse(peer, 0, make_error(wire::Status::malformed,
                                      "message sans requête : seules les requêtes sont acceptées ici"), sender);
  }
  const wire::Request& request = *envelope;
  if (request.body() == nullptr && *wire::EnumNameRequestBody(request.body_type()) != '\0' &&
      request.body_type() != wire::RequestBody::NONE) {
    return refuse(peer, request.request_id(), make_error(wire::Status::malformed, "requête de type " +
                                                          std::string(wire::EnumNameRequestBody(request.body_type())) +
                                                          " sans contenu"),
                  sender);
  }
  if (request.body_type() == wire::RequestBody::NONE) {
    return refuse(peer, request.request_id(),
                  make_error(wire::Status::malformed, "requête vide : aucune demande dans la Request (body absent)"),
                  sender);
  }
  if (request_entry(request.body_type()) == nullptr) {
    return refuse(peer, request.request_id(),
                  make_error(wire::Status::unknown_type,
                             "type de requête inconnu (" + std::to_string(static_cast<int>(request.body_type())) +
                                 ") : client plus récent que le broker ?"),
                  sender);
  }
  const std::string_view client_id = request.client_id() ? request.client_id()->string_view() : "";
  if (!valid_client_id(client_id)) {
    return refuse(peer, request.request_id(),
                  make_error(wire::Status::malformed, "identifiant client invalide : au plus " +
                                                          std::to_string(kMaxClientIdLength) +
                                                          " caractères ASCII visibles, sans espace"),
                  sender);
  }
  // Text that travels is checked once, here, before anything reads it (issue #11) — as the sender,
  // since on_behalf_of is one of the fields it checks.
  if (auto fields = check_request_fields(request); !fields) {
    return refuse(peer, request.request_id(), fields.error(), sender);
  }
  auto acting = acting_principal(*state_, sender, request);
  if (!acting) return refuse(peer, request.request_id(), acting.error(), sender);
  const wire::PrincipalT& principal = **acting;
  if (auto allowed = authorise(principal, request, state_->index, state_->workflow); !allowed) {
    return refuse(peer, request.request_id(), allowed.error(), principal);
  }
  // Retries are remembered per principal: one principal cannot replay another's replies.
  const std::string replay_key =
      &principal == &Principals::local() || client_id.empty() ? std::string(client_id)
                                                              : principal.name + "/" + std::string(client_id);
  const RequestContext context{peer, replay_key, &principal, now_ms, today,
                               &principal == &sender ? nullptr : &sender};

  const RequestEntry& entry = *request_entry(request.body_type());  // known: checked above
  const HandlerInput input{*state_, *store_, request, context};
  if (entry.handling == Handling::read || entry.handling == Handling::report) {
    if (request.current() && current_read_check_) {
      if (auto current = current_read_check_(); !current) {
        return refuse(peer, request.request_id(), current.error(), principal);
      }
    }
    if (request.at_least() > state_->sequence && behind_read_check_) {
      if (auto behind = behind_read_check_(request.at_least(), state_->sequence); !behind) {
        return refuse(peer, request.request_id(), behind.error(), principal);
      }
    }
  }
  switch (entry.handling) {
    case Handling::read:
      ++stats_.reads;
      note(outcome, Outcome::read);
      return entry.read(input);
    case Handling::report:
      ++stats_.reads;
      note(outcome, Outcome::read);
      return resolve(origin, request.request_id(), entry.report(input));
    case Handling::backup: {
      note(outcome, Outcome::stands);
      if (!backup_) break;
      const auto* directory = request.body_as_BackupRequest()->directory();
      logger()->info("admin action=backup directory={} by={} client={} peer={}", directory ? directory->str() : "",
                     principal.name, context.client_id, peer);
      return backup_(request, origin);
    }
    case Handling::cluster:
      note(outcome, Outcome::stands);
      if (!cluster_) {
        return refuse(peer, request.request_id(),
                      make_error(wire::Status::invalid,
                                 "ce broker n'est pas membre d'un cluster (démarré sans --node-id ni --cluster)"),
                      principal);
      }
      if (request.body_type() == wire::RequestBody::ClusterChange) {
        const auto& change = *request.body_as_ClusterChange();
        logger()->info("admin action=cluster-{} node={} by={} client={} peer={}",
                       wire::EnumNameClusterAction(change.action()), change.node_id(), principal.name,
                       context.client_id, peer);
      }
      return cluster_(request, origin);
    case Handling::write:
      if (context.client_id.empty()) {
        return refuse(peer, request.request_id(),
                      make_error(wire::Status::invalid, "requête d'écriture sans identifiant client"), principal);
      }
      return handle_write(entry, input, pending, outcome);
  }
  return refuse(peer, request.request_id(),
                make_error(wire::Status::unavailable, "sauvegarde impossible : ce broker n'en fait pas"), principal);
}

std::string Dispatcher::resolve(const RequestOrigin& origin, std::uint64_t request_id, Answer answer) {
  if (auto* reply = std::get_if<std::string>(&answer)) return std::move(*reply);
  LogRead& read = std::get<LogRead>(answer);
  if (!log_reader_) return read(*store_);
  if (log_reader_(origin, request_id, std::move(read))) return {};
  return encode_error(request_id,
                      make_error(wire::Status::unavailable,
                                 "trop de rapports historiques en cours (capacité passée, relevé, export) : "
                                 "rien n'a été fait, réessayez dans un instant"),
                      state_->sequence);
}

std::string Dispatcher::handle_write(const RequestEntry& entry, const HandlerInput& input, PendingCommit& pending,
                                     Outcome* outcome) {
  const RequestContext& context = input.context;
  const std::uint64_t request_id = input.request.request_id();
  auto earlier = replies_->find(context.client_id, request_id);
  if (!earlier) return refuse(context.peer, request_id, earlier.error(), *context.principal);
  if (earlier->has_value()) {
    ++stats_.duplicates;
    // The stored reply of a write applied before — maybe in a batch whose commit is still in
    // flight: if that commit fails, this reply must not stand either (the retry is answered again).
    note(outcome, Outcome::write);
    return std::move(**earlier);
  }
  if (write_refusal_) return refuse(context.peer, request_id, *write_refusal_, *context.principal);

  Result<Applied> applied = entry.write(input, pending);
  if (!applied) return refuse(context.peer, request_id, applied.error(), *context.principal);
  ++stats_.writes;
  note(outcome, Outcome::write);
  log_admin_action(input.request, context, applied->sequence);
  std::string reply = encode_reply(request_id, wire::Status::ok, {}, applied->sequence, applied->body);
  pending.batch.put_reply(context.client_id, request_id, reply);
  replies_->remember(context.client_id, request_id, reply);
  return reply;
}

}  // namespace dispo::broker
