#include "api.h"

#include "dispo/schemas/spdlog.h"

#include "dispo/schemas/json.h"
#include "dispo/schemas/web_secrets.h"
#include "event_hub.h"

namespace dispo::web {
namespace {

const std::vector<Route>& all_routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> all = session_routes();
    for (auto group : {domain_routes(), admin_routes()}) all.insert(all.end(), group.begin(), group.end());
    return all;
  }();
  return routes;
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return parts;
}

// The {…} values when `path` matches `pattern`.
std::optional<std::vector<std::string>> match(std::string_view pattern, std::string_view path) {
  const auto wanted = segments(pattern);
  const auto given = segments(path);
  if (wanted.size() != given.size()) return std::nullopt;
  std::vector<std::string> params;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (wanted[i].starts_with('{')) {
      if (given[i].empty()) return std::nullopt;
      params.emplace_back(given[i]);
    } else if (wanted[i] != given[i]) {
      return std::nullopt;
    }
  }
  return params;
}

bool changes_something(const std::string& method) { return method != "GET" && method != "HEAD"; }

}  // namespace

HttpResponse render_reply(const wire::Reply& reply) {
  if (reply.body_type() == wire::ReplyBody::NONE || reply.body() == nullptr) {
    return json_response(200, "{\"sequence\":" + std::to_string(reply.sequence()) + "}");
  }
  return json_response(200, one_line(wire::to_json(reply.body(), wire::EnumNameReplyBody(reply.body_type()))));
}

HttpResponse failure_response(const Error& error) { return error_response(error); }

HttpResponse with_freshness(HttpResponse response, const wire::Reply& reply) {
  if (reply.served_by() != 0) response.headers.emplace_back("X-Dispo-Served-By", std::to_string(reply.served_by()));
  if (reply.lag_ms() > 0) response.headers.emplace_back("X-Dispo-Lag-Ms", std::to_string(reply.lag_ms()));
  return response;
}

std::vector<RouteInfo> Api::routes() {
  std::vector<RouteInfo> infos;
  for (const auto& route : all_routes()) infos.push_back({route.method, route.pattern});
  infos.push_back({"GET", "/api/v1/events"});
  return infos;
}

std::optional<SessionRecord> Api::session_of(const HttpRequest& request) const {
  if (request.session_token.empty()) return std::nullopt;
  return sessions_->use(request.session_token);
}

void Api::handle(HttpRequest request, Respond respond) {
  bool path_known = false;
  for (const auto& route : all_routes()) {
    auto params = match(route.pattern, request.path);
    if (!params) continue;
    path_known = true;
    if (route.method != request.method) continue;
    auto call = std::make_shared<Call>();
    call->params = std::move(*params);
    if (route.needs_session) {
      call->session = session_of(request);
      if (!call->session) {
        return respond(error_response(401, "forbidden", "vous n'êtes pas connecté(e), ou votre session a expiré : identifiez-vous"));
      }
      if (changes_something(request.method) &&
          !wire::same_secret(request.csrf_token, call->session->csrf_token)) {
        spdlog::warn("dispo-web: CSRF token missing or wrong person={} {} {}", call->session->person.name,
                     request.method, request.path);
        return respond(error_response(403, "forbidden",
                                      "jeton anti-falsification (CSRF) absent ou invalide : rechargez la page"));
      }
    }
    call->request = std::move(request);
    call->respond = std::move(respond);
    route.handler(*this, call);
    return;
  }
  if (path_known) return respond(error_response(405, "invalid", "méthode non permise sur cette adresse"));
  respond(error_response(404, "unknown_request", "adresse inconnue de l'API"));
}

void Api::run(const CallPtr& call, std::function<void(client::Session&)> job) {
  if (!pool_->submit(std::move(job))) {
    call->respond(error_response(503, "unavailable", "la passerelle est saturée : réessayez dans un instant"));
  }
}

void Api::forward(const CallPtr& call, wire::RequestBodyUnion body, Render render) {
  auto shared = std::make_shared<wire::RequestBodyUnion>(std::move(body));
  run(call, [call, shared, render = std::move(render)](client::Session& session) {
    auto reply = session.call_for(call->session->person.name, std::move(*shared));
    if (!reply) return call->respond(failure_response(reply.error()));
    call->respond(with_freshness(render ? render(reply->get()) : render_reply(reply->get()), reply->get()));
  });
}

}  // namespace dispo::web
