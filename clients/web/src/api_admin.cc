// Admin routes: principals and web accounts. A principal created here gets a fresh CURVE key pair
// whose secret is dropped at once (it signs in through the web only; `dispo-admin grant` is the
// way to give someone a key). Enrolment codes are made here and only their hash is sent.
#include <nlohmann/json.hpp>

#include "api.h"
#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/web_secrets.h"
#include "event_hub.h"
#include "json_tables.h"

namespace dispo::web {
namespace {

template <typename T>
wire::RequestBodyUnion body_of(T table) {
  wire::RequestBodyUnion body;
  body.Set(std::move(table));
  return body;
}

// Sends WebAccountReset with a new code; the response carries the code (shown once).
HttpResponse issue_code(client::Session& session, const std::string& admin, const std::string& name) {
  const std::string code = wire::new_enrolment_code();
  wire::WebAccountResetT reset;
  reset.name = name;
  reset.code_hash = wire::enrolment_code_hash(code);
  auto reply = session.call_for(admin, body_of(std::move(reset)));
  if (!reply) return failure_response(reply.error());
  const auto* list = reply->get().body_as_PrincipalList();
  const std::int64_t until = list && list->principals() && list->principals()->size() == 1
                                 ? list->principals()->Get(0)->enrolment_until()
                                 : 0;
  return json_response(200, nlohmann::json{{"name", name}, {"enrolment_code", code}, {"valid_until", until}}.dump());
}

void list(Api& api, const CallPtr& call) { api.forward(call, body_of(wire::PrincipalListRequestT{})); }

void grant(Api& api, const CallPtr& call) {
  auto object = parse_object(call->request.body);
  if (!object) return call->respond(error_response(object.error()));
  const bool web = object->value("web", false);
  object->erase("web");
  auto principal = read_table<wire::PrincipalT>(*object, "Principal");
  if (!principal) return call->respond(error_response(principal.error()));
  principal->public_key = wire::generate_key_pair().public_key;
  auto shared = std::make_shared<wire::PrincipalT>(std::move(*principal));
  api.run(call, [call, shared, web](client::Session& session) {
    const std::string& admin = call->session->person.name;
    const std::string name = shared->name;
    wire::PrincipalGrantT grant;
    grant.principal = std::make_unique<wire::PrincipalT>(*shared);
    auto reply = session.call_for(admin, body_of(std::move(grant)));
    if (!reply) return call->respond(failure_response(reply.error()));
    if (!web) return call->respond(json_response(200, nlohmann::json{{"name", name}, {"sequence", reply->get().sequence()}}.dump()));
    call->respond(issue_code(session, admin, name));
  });
}

void revoke(Api& api, const CallPtr& call) {
  wire::PrincipalRevokeT revoke;
  revoke.name = call->params[0];
  api.forward(call, body_of(std::move(revoke)));
}

void web_reset(Api& api, const CallPtr& call) {
  api.run(call, [call](client::Session& session) {
    call->respond(issue_code(session, call->session->person.name, call->params[0]));
  });
}

}  // namespace

std::vector<Route> admin_routes() {
  return {
      {"GET", "/api/v1/principals", true, list},
      {"POST", "/api/v1/principals", true, grant},
      {"DELETE", "/api/v1/principals/{name}", true, revoke},
      {"POST", "/api/v1/principals/{name}/web-reset", true, web_reset},
  };
}

}  // namespace dispo::web
