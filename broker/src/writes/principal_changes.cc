#include "principal_changes.h"

#include <algorithm>

#include "changes.h"
#include "dispo/schemas/curve_keys.h"
#include "model/replies.h"
#include "web_accounts.h"

namespace dispo::broker {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '@';
}

}  // namespace

std::uint64_t stage_principal_change(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                                     wire::PrincipalT principal) {
  principal.changed_at = context.now_ms;
  principal.changed_by = actor(context);
  pending.batch.put_principal(principal);
  flatbuffers::FlatBufferBuilder builder(256);
  const wire::PrincipalT published = without_secrets(principal);
  auto change = wire::CreatePrincipalChanged(builder, wire::Principal::Pack(builder, &published));
  const std::uint64_t sequence = stage_event(state, pending, context, "admin", builder, change);
  state.principals.put(std::move(principal));
  return sequence;
}

Result<void> check_principal(const wire::PrincipalT& principal) {
  const auto& name = principal.name;
  if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), is_name_char)) {
    return make_error(wire::Status::invalid,
                      "nom de principal « " + name +
                          " » invalide : 1 à 64 caractères parmi lettres, chiffres, - _ . @");
  }
  if (name == Principals::local().name) {
    return make_error(wire::Status::invalid, "le nom « local » est réservé au broker sans CURVE");
  }
  if (!wire::is_z85_key(principal.public_key)) {
    return make_error(wire::Status::invalid,
                      "clé publique de « " + name + " » invalide (40 caractères Z85 attendus)");
  }
  if (principal.role > wire::Role::MAX) {
    return make_error(wire::Status::invalid, "rôle inconnu pour « " + name + " »");
  }
  if (principal.role == wire::Role::facility && principal.facilities.empty()) {
    return make_error(wire::Status::invalid,
                      "un principal « établissement » doit nommer ses établissements (--facility)");
  }
  const bool territorial = principal.role == wire::Role::on_call || principal.role == wire::Role::hospital ||
                           principal.role == wire::Role::judge || principal.role == wire::Role::observatory;
  if (territorial && principal.departements.empty()) {
    return make_error(wire::Status::invalid, "un principal « " + std::string(role_name(principal.role)) +
                                                 " » doit nommer son ou ses départements (--dept)");
  }
  return {};
}

Result<std::uint64_t> grant_principal(BrokerState& state, PendingCommit& pending,
                                      const wire::PrincipalGrant& grant, const RequestContext& context) {
  if (grant.principal() == nullptr) return make_error(wire::Status::invalid, "principal absent");
  wire::PrincipalT principal;
  grant.principal()->UnPackTo(&principal);
  principal.revoked = false;
  if (auto valid = check_principal(principal); !valid) return valid.error();
  const wire::PrincipalT* holder = state.principals.by_key(principal.public_key);
  if (holder != nullptr && holder->name != principal.name) {
    return make_error(wire::Status::invalid,
                      "cette clé publique appartient déjà à « " + holder->name + " »");
  }
  // A grant never sets a web account's secrets (WebAccountReset and WebEnrol do); it keeps them.
  const wire::PrincipalT* previous = state.principals.by_name(principal.name);
  principal.web = previous != nullptr && previous->web;
  principal.password_hash = previous != nullptr ? previous->password_hash : std::string();
  principal.enrolment_hash = previous != nullptr ? previous->enrolment_hash : std::string();
  principal.enrolment_until = previous != nullptr ? previous->enrolment_until : 0;
  return stage_principal_change(state, pending, context, std::move(principal));
}

Result<std::uint64_t> revoke_principal(BrokerState& state, PendingCommit& pending,
                                       const wire::PrincipalRevoke& revoke, const RequestContext& context) {
  const wire::PrincipalT* existing = state.principals.by_name(revoke.name()->string_view());
  if (existing == nullptr) {
    return make_error(wire::Status::invalid, "principal « " + revoke.name()->str() + " » inconnu");
  }
  if (existing->role == wire::Role::admin && !existing->revoked && state.principals.active_admins() == 1) {
    return make_error(wire::Status::invalid,
                      "« " + existing->name + " » est le dernier administrateur : créez-en un autre avant");
  }
  wire::PrincipalT principal = *existing;
  principal.revoked = true;
  state.feed_rebind_needed = true;
  return stage_principal_change(state, pending, context, std::move(principal));
}

std::string answer_principal_list(const BrokerState& state, std::uint64_t request_id) {
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](auto& builder) {
    std::vector<flatbuffers::Offset<wire::Principal>> principals;
    for (const auto& [name, principal] : state.principals.all()) {
      const wire::PrincipalT listed = without_secrets(principal);
      principals.push_back(wire::Principal::Pack(builder, &listed));
    }
    auto list = wire::CreatePrincipalList(builder, builder.CreateVector(principals));
    return std::pair{wire::ReplyBody::PrincipalList, list.Union()};
  });
}

}  // namespace dispo::broker
