#include "web_accounts.h"

#include "dispo/schemas/web_secrets.h"
#include "model/logger.h"
#include "principal_changes.h"
#include "model/replies.h"

namespace dispo::broker {
namespace {

const char* kLoginRefused = "identifiant ou mot de passe incorrect";

Error forbidden(std::string message) { return make_error(wire::Status::forbidden, std::move(message)); }

ReplyBodyWriter one_principal(wire::PrincipalT principal) {
  return [principal = without_secrets(std::move(principal))](flatbuffers::FlatBufferBuilder& builder) {
    std::vector<flatbuffers::Offset<wire::Principal>> list{wire::Principal::Pack(builder, &principal)};
    auto body = wire::CreatePrincipalList(builder, builder.CreateVector(list));
    return std::pair{wire::ReplyBody::PrincipalList, body.Union()};
  };
}

}  // namespace

wire::PrincipalT without_secrets(wire::PrincipalT principal) {
  principal.password_hash.clear();
  principal.enrolment_hash.clear();
  return principal;
}

Result<const wire::PrincipalT*> acting_principal(const BrokerState& state, const wire::PrincipalT& sender,
                                                 const wire::Request& request) {
  if (request.on_behalf_of() == nullptr || request.on_behalf_of()->size() == 0) return &sender;
  if (sender.revoked || (sender.role != wire::Role::gateway && &sender != &Principals::local())) {
    return forbidden("refusé à « " + sender.name + " » : seule la passerelle web agit pour une autre personne");
  }
  const std::string_view name = request.on_behalf_of()->string_view();
  const wire::PrincipalT* person = state.principals.by_name(name);
  if (person == nullptr || !person->web) {
    return forbidden("« " + std::string(name) + " » n'a pas de compte web");
  }
  if (person->revoked) return forbidden("le compte de « " + person->name + " » a été révoqué");
  return person;
}

Answer answer_web_login(const BrokerState& state, std::uint64_t request_id, const wire::WebLogin& login) {
  const wire::PrincipalT* person = state.principals.by_name(login.name()->string_view());
  const std::uint64_t sequence = state.sequence;
  if (person == nullptr || !person->web || person->revoked || person->password_hash.empty()) {
    logger()->info("web login refused name={} reason={}", login.name()->string_view(),
                   person == nullptr ? "unknown" : person->revoked ? "revoked" : "no-password");
    return encode_error(request_id, forbidden(kLoginRefused), sequence);
  }
  return LogRead([request_id, sequence, principal = *person,
                  password = login.password()->str()](const Store&) mutable {
    const bool good = wire::verify_password(principal.password_hash, password);
    password.assign(password.size(), '\0');
    if (!good) {
      logger()->info("web login refused name={} reason=password", principal.name);
      return encode_error(request_id, forbidden(kLoginRefused), sequence);
    }
    logger()->info("web login name={}", principal.name);
    return encode_reply(request_id, wire::Status::ok, {}, sequence, one_principal(std::move(principal)));
  });
}

Result<Applied> enrol_web_account(BrokerState& state, PendingCommit& pending, const wire::WebEnrol& enrol,
                                  const RequestContext& context) {
  const wire::PrincipalT* person = state.principals.by_name(enrol.name()->string_view());
  const bool usable = person != nullptr && person->web && !person->revoked && !person->enrolment_hash.empty() &&
                      context.now_ms <= person->enrolment_until &&
                      wire::same_secret(person->enrolment_hash, wire::enrolment_code_hash(enrol.code()->string_view()));
  if (!usable) {
    logger()->info("web enrolment refused name={}", enrol.name()->string_view());
    return forbidden("code d'activation inconnu, déjà utilisé ou expiré : demandez-en un nouveau à l'administrateur");
  }
  const std::string_view hash = enrol.password_hash()->string_view();
  if (!hash.starts_with("$argon2id$") || hash.size() > 256) {
    return make_error(wire::Status::invalid, "empreinte de mot de passe invalide (argon2id attendu)");
  }
  wire::PrincipalT principal = *person;
  principal.password_hash = std::string(hash);
  principal.enrolment_hash.clear();
  principal.enrolment_until = 0;
  const std::uint64_t sequence = stage_principal_change(state, pending, context, principal);
  logger()->info("web enrolment name={}", principal.name);
  return Applied{sequence, one_principal(std::move(principal))};
}

Result<Applied> reset_web_account(BrokerState& state, PendingCommit& pending, const wire::WebAccountReset& reset,
                                  const RequestContext& context) {
  const wire::PrincipalT* person = state.principals.by_name(reset.name()->string_view());
  if (person == nullptr) {
    return make_error(wire::Status::invalid, "principal « " + reset.name()->str() + " » inconnu");
  }
  if (person->revoked) {
    return make_error(wire::Status::conflict, "« " + person->name + " » est révoqué : accordez-le de nouveau d'abord");
  }
  const std::string_view code_hash = reset.code_hash()->string_view();
  if (code_hash.size() != 64) {
    return make_error(wire::Status::invalid, "empreinte du code d'activation invalide (64 chiffres hexadécimaux)");
  }
  wire::PrincipalT principal = *person;
  principal.web = true;
  principal.password_hash.clear();
  principal.enrolment_hash = std::string(code_hash);
  principal.enrolment_until = context.now_ms + kEnrolmentValidityMs;
  const std::uint64_t sequence = stage_principal_change(state, pending, context, principal);
  return Applied{sequence, one_principal(std::move(principal))};
}

}  // namespace dispo::broker
