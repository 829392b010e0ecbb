// Session routes: sign in (password checked by the broker), who am I, sign out, enrolment (a
// one-time code and a new password). Failed sign-ins are rate-limited per account and per
// address, and logged without the password.
#include "dispo/schemas/spdlog.h"

#include <nlohmann/json.hpp>

#include "api.h"
#include "dispo/schemas/web_secrets.h"
#include "json_tables.h"

namespace dispo::web {
namespace {

constexpr const char* kCookie = "dispo_session";

nlohmann::json person_json(const Person& person) {
  return {{"name", person.name},
          {"role", wire::EnumNameRole(person.role)},
          {"departements", person.departements},
          {"facilities", person.facilities}};
}

HttpResponse signed_in(const SessionRecord& record, bool tls) {
  nlohmann::json body = {{"principal", person_json(record.person)}, {"csrf_token", record.csrf_token}};
  HttpResponse response = json_response(200, body.dump());
  response.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + record.token +
                                                  "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : ""));
  return response;
}

// The string fields `names` of the body, each required and non-empty.
Result<std::vector<std::string>> string_fields(const std::string& body, std::initializer_list<const char*> names) {
  auto object = parse_object(body);
  if (!object) return object.error();
  std::vector<std::string> values;
  for (const char* name : names) {
    auto found = object->find(name);
    if (found == object->end() || !found->is_string() || found->get<std::string>().empty()) {
      return make_error(wire::Status::invalid, std::string("champ « ") + name + " » absent ou vide (texte attendu)");
    }
    values.push_back(found->get<std::string>());
  }
  return values;
}

std::string french_wait(std::chrono::seconds wait) {
  const auto minutes = (wait.count() + 59) / 60;
  return minutes <= 1 ? "une minute" : std::to_string(minutes) + " minutes";
}

// Refused (429) while the account or the address has too many recent failures.
std::optional<HttpResponse> throttled(Api& api, const std::string& name, const std::string& address) {
  if (auto wait = api.limiter().blocked(name, address)) {
    spdlog::warn("dispo-web: sign-in throttled name={} address={}", name, address);
    return error_response(429, "rate_limited",
                          "trop de tentatives de connexion pour ce compte ou depuis ce poste : réessayez dans " +
                              french_wait(*wait));
  }
  return std::nullopt;
}

// A PrincipalList reply of one principal (WebLogin, WebEnrol) signed in as a new session.
HttpResponse open_session(Api& api, const CallPtr& call, const wire::Reply& reply) {
  const auto* list = reply.body_as_PrincipalList();
  if (list == nullptr || list->principals() == nullptr || list->principals()->size() != 1) {
    return error_response(503, "malformed", "réponse inattendue du broker");
  }
  wire::PrincipalT principal;
  list->principals()->Get(0)->UnPackTo(&principal);
  api.limiter().succeeded(principal.name);
  return signed_in(api.sessions().open(person_of(principal)), call->request.tls);
}

void login(Api& api, const CallPtr& call) {
  auto fields = string_fields(call->request.body, {"name", "password"});
  if (!fields) return call->respond(error_response(fields.error()));
  const std::string name = (*fields)[0];
  if (auto refused = throttled(api, name, call->request.address)) return call->respond(std::move(*refused));
  auto password = std::make_shared<std::string>((*fields)[1]);
  api.run(call, [&api, call, name, password](client::Session& session) {
    wire::WebLoginT login;
    login.name = name;
    login.password = std::move(*password);
    wire::RequestBodyUnion body;
    body.Set(std::move(login));
    auto reply = session.call(std::move(body));
    if (!reply) {
      if (reply.error().status != wire::Status::forbidden) return call->respond(failure_response(reply.error()));
      api.limiter().failed(name, call->request.address);
      spdlog::warn("dispo-web: sign-in failed name={} address={}", name, call->request.address);
      return call->respond(error_response(401, "forbidden", reply.error().message));
    }
    spdlog::info("dispo-web: signed in name={} address={}", name, call->request.address);
    call->respond(open_session(api, call, reply->get()));
  });
}

void enrol(Api& api, const CallPtr& call) {
  auto fields = string_fields(call->request.body, {"name", "code", "password"});
  if (!fields) return call->respond(error_response(fields.error()));
  const std::string name = (*fields)[0];
  if (auto refused = throttled(api, name, call->request.address)) return call->respond(std::move(*refused));
  auto values = std::make_shared<std::vector<std::string>>(std::move(*fields));
  api.run(call, [&api, call, values](client::Session& session) {
    auto hash = wire::hash_password((*values)[2]);  // argon2id: slow by design, on a broker thread
    if (!hash) return call->respond(error_response(hash.error()));
    wire::WebEnrolT enrol;
    enrol.name = (*values)[0];
    enrol.code = (*values)[1];
    enrol.password_hash = *hash;
    wire::RequestBodyUnion body;
    body.Set(std::move(enrol));
    auto reply = session.call(std::move(body));
    if (!reply) {
      if (reply.error().status == wire::Status::forbidden) {
        api.limiter().failed((*values)[0], call->request.address);
        spdlog::warn("dispo-web: enrolment failed name={} address={}", (*values)[0], call->request.address);
      }
      return call->respond(failure_response(reply.error()));
    }
    spdlog::info("dispo-web: enrolled name={} address={}", (*values)[0], call->request.address);
    call->respond(open_session(api, call, reply->get()));
  });
}

void who_am_i(Api&, const CallPtr& call) {
  nlohmann::json body = {{"principal", person_json(call->session->person)}, {"csrf_token", call->session->csrf_token}};
  call->respond(json_response(200, body.dump()));
}

void logout(Api& api, const CallPtr& call) {
  api.sessions().close(call->session->token);
  HttpResponse response;
  response.status = 204;
  response.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                                  (call->request.tls ? "; Secure" : ""));
  call->respond(std::move(response));
}

}  // namespace

std::vector<Route> session_routes() {
  return {
      {"POST", "/api/v1/session", false, login},
      {"GET", "/api/v1/session", true, who_am_i},
      {"DELETE", "/api/v1/session", true, logout},
      {"POST", "/api/v1/enrolment", false, enrol},
  };
}

}  // namespace dispo::web
