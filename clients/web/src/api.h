// Api: the JSON routes under /api/v1/ (clients/web/openapi.yaml is their authority). Each route
// turns the HTTP request into one wire request, sends it through the BrokerPool as the gateway
// acting for the signed-in person (on_behalf_of), and renders the reply with FlatBuffers' own
// JSON printer (the schema's snake_case names). The broker authorises: a person can do over HTTP
// exactly what their principal could do with the CLI. Refusals keep the broker's French reason.
// Requests that change something need the session's CSRF token (X-CSRF-Token).
// Thread-safe: handle() may run on any thread; responses come back through `respond`, on any thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker_pool.h"
#include "http_message.h"
#include "web_sessions.h"

namespace dispo::web {

// One API call being answered.
struct Call {
  HttpRequest request;
  std::vector<std::string> params;        // the {…} segments of the route, in order
  std::optional<SessionRecord> session;   // set for routes that need a signed-in person
  Respond respond;
};
using CallPtr = std::shared_ptr<const Call>;

struct RouteInfo {
  std::string method;
  std::string pattern;   // "/api/v1/requests/{id}/cancel"
};

class Api {
 public:
  Api(WebSessions& sessions, LoginLimiter& limiter, BrokerPool& pool) : sessions_(&sessions), limiter_(&limiter), pool_(&pool) {}

  // Answers one /api/v1/ request (not the event stream, which the server handles itself).
  void handle(HttpRequest request, Respond respond);

  // Every route, the event stream included (the test compares them with openapi.yaml).
  static std::vector<RouteInfo> routes();

  // The session of `request` (cookie), touched; nothing when signed out.
  std::optional<SessionRecord> session_of(const HttpRequest& request) const;

  using Render = std::function<HttpResponse(const wire::Reply&)>;

  // Sends `body` for the call's person and answers with `render` (default: the reply body's JSON).
  void forward(const CallPtr& call, wire::RequestBodyUnion body, Render render = {});

  // Runs `job` on a broker session; 503 in French when the pool is saturated.
  void run(const CallPtr& call, std::function<void(client::Session&)> job);

  WebSessions& sessions() { return *sessions_; }
  LoginLimiter& limiter() { return *limiter_; }

 private:
  WebSessions* sessions_;
  LoginLimiter* limiter_;
  BrokerPool* pool_;
};

// The reply's body as JSON (FlatBuffers' printer); {"sequence": N} for a write without body.
HttpResponse render_reply(const wire::Reply& reply);

// A broker reply that is not ok, or a call that failed, as an HTTP response.
HttpResponse failure_response(const Error& error);

// `response` with what the reply says of its freshness, for the page's banner: the cluster member
// that served it (X-Dispo-Served-By) and, when that member is out of touch with its leader, how
// old its state may be (X-Dispo-Lag-Ms). Nothing for a single broker.
HttpResponse with_freshness(HttpResponse response, const wire::Reply& reply);

// The route handlers, by group (api_session.cc, api_routes.cc, api_admin.cc).
using Handler = std::function<void(Api&, const CallPtr&)>;
struct Route {
  std::string method;
  std::string pattern;
  bool needs_session = true;
  Handler handler;
};
std::vector<Route> session_routes();
std::vector<Route> domain_routes();
std::vector<Route> admin_routes();

}  // namespace dispo::web
