// Domain routes: find, facilities and the board, a facility's units, placement requests, holds,
// reports, alerts and saved searches. Each builds one wire request; the broker authorises it as
// the signed-in person.
#include <charconv>

#include <nlohmann/json.hpp>

#include "api.h"
#include "dispo/schemas/json.h"
#include "export_csv.h"
#include "find_query.h"
#include "json_tables.h"
#include "record_report.h"
#include "report_time.h"

namespace dispo::web {
namespace {

template <typename T>
wire::RequestBodyUnion body_of(T table) {
  wire::RequestBodyUnion body;
  body.Set(std::move(table));
  return body;
}

void refuse(const CallPtr& call, const Error& error) { call->respond(error_response(error)); }

Error invalid(std::string message) { return make_error(wire::Status::invalid, std::move(message)); }

template <typename Number>
Result<Number> number_param(const HttpRequest& request, const std::string& name) {
  const auto text = request.param(name).value_or("");
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return invalid("paramètre « " + name + " » : nombre attendu, reçu « " + text + " »");
  }
  return value;
}

// The body as a JSON object with the route's ids set in it.
Result<nlohmann::json> body_object(const CallPtr& call, std::initializer_list<std::pair<const char*, std::string>> set = {}) {
  auto object = parse_object(call->request.body.empty() ? std::string_view("{}") : std::string_view(call->request.body));
  if (!object) return object.error();
  for (const auto& [name, value] : set) (*object)[name] = value;
  return object;
}

// ------------------------------------------------------------------ search, facilities, board

void find(Api& api, const CallPtr& call) {
  const HttpRequest& request = call->request;
  cli::FindArguments arguments;
  for (const auto& age : request.params("age")) {
    int value = -1;
    const auto [end, error] = std::from_chars(age.data(), age.data() + age.size(), value);
    if (error != std::errc() || end != age.data() + age.size()) return refuse(call, invalid("paramètre « age » : âge en années attendu, reçu « " + age + " »"));
    arguments.ages.push_back(value);
  }
  arguments.sexes = request.params("sex");
  arguments.needs = request.params("need");
  arguments.departement = request.param("dept").value_or("");
  arguments.kinds = request.params("kind");
  arguments.near = request.param("near").value_or("");
  if (request.param("max_km")) {
    auto km = number_param<double>(request, "max_km");
    if (!km) return refuse(call, km.error());
    arguments.max_km = *km;
  }
  arguments.emergency = request.param("emergency").value_or("0") == "1";
  arguments.include_stale = request.param("include_stale").value_or("0") == "1";
  if (request.param("limit")) {
    auto limit = number_param<int>(request, "limit");
    if (!limit) return refuse(call, limit.error());
    arguments.limit = *limit;
  }
  auto query = cli::build_search_query(arguments);
  if (!query) return refuse(call, query.error());
  api.forward(call, body_of(std::move(*query)));
}

void facility(Api& api, const CallPtr& call) {
  wire::FacilityRequestT request;
  request.facility_id = call->params[0];
  api.forward(call, body_of(std::move(request)));
}

void board(Api& api, const CallPtr& call) {
  wire::SnapshotRequestT request;
  request.departement = call->request.param("dept").value_or("");
  api.forward(call, body_of(std::move(request)));
}

void update_unit(Api& api, const CallPtr& call) {
  auto object = body_object(call, {{"facility_id", call->params[0]}, {"unit_id", call->params[1]}});
  if (!object) return refuse(call, object.error());
  auto update = read_table<wire::AvailabilityUpdateT>(*object, "AvailabilityUpdate");
  if (!update) return refuse(call, update.error());
  api.forward(call, body_of(std::move(*update)));
}

void confirm(Api& api, const CallPtr& call) {
  auto object = body_object(call, {{"facility_id", call->params[0]}});
  if (!object) return refuse(call, object.error());
  auto confirmation = read_table<wire::ConfirmationT>(*object, "Confirmation");
  if (!confirmation) return refuse(call, confirmation.error());
  api.forward(call, body_of(std::move(*confirmation)));
}

// ------------------------------------------------------------------ placement requests

void list_requests(Api& api, const CallPtr& call) {
  wire::PlacementRequestQueryT query;
  query.departement = call->request.param("dept").value_or("");
  for (const auto& state : call->request.params("state")) {
    bool known = false;
    for (auto value : wire::EnumValuesRequestState()) {
      if (state == wire::EnumNameRequestState(value)) {
        query.states.push_back(value);
        known = true;
      }
    }
    if (!known) return refuse(call, invalid("paramètre « state » : open, proposed, admitted ou cancelled attendu, reçu « " + state + " »"));
  }
  api.forward(call, body_of(std::move(query)));
}

void open_request_as(Api& api, const CallPtr& call, bool discharge) {
  auto object = body_object(call);
  if (!object) return refuse(call, object.error());
  if (discharge) (*object)["origin"] = "hospital";
  auto request = read_table<wire::PlacementRequestT>(*object, "PlacementRequest");
  if (!request) return refuse(call, request.error());
  wire::PlacementRequestOpenT open;
  open.request = std::make_unique<wire::PlacementRequestT>(std::move(*request));
  api.forward(call, body_of(std::move(open)));
}

void open_request(Api& api, const CallPtr& call) { open_request_as(api, call, false); }
void discharge(Api& api, const CallPtr& call) { open_request_as(api, call, true); }

void show_request(Api& api, const CallPtr& call) {
  wire::PlacementRequestQueryT query;
  query.id = call->params[0];
  api.forward(call, body_of(std::move(query)));
}

// PATCH: the request as it is now, the body merged into it (RFC 7396), sent as the update.
void patch_request(Api& api, const CallPtr& call) {
  auto patch = body_object(call);
  if (!patch) return refuse(call, patch.error());
  auto shared_patch = std::make_shared<nlohmann::json>(std::move(*patch));
  api.run(call, [call, shared_patch](client::Session& session) {
    const std::string& person = call->session->person.name;
    wire::PlacementRequestQueryT query;
    query.id = call->params[0];
    auto current = session.call_for(person, body_of(std::move(query)));
    if (!current) return call->respond(failure_response(current.error()));
    const auto* list = current->get().body_as_RequestList();
    if (list == nullptr || list->requests() == nullptr || list->requests()->size() != 1 ||
        list->requests()->Get(0)->request() == nullptr) {
      return call->respond(error_response(404, "unknown_request", "demande " + call->params[0] + " inconnue"));
    }
    auto merged = nlohmann::json::parse(wire::to_json(list->requests()->Get(0)->request(), "PlacementRequest"));
    merged.merge_patch(*shared_patch);
    merged["id"] = call->params[0];
    auto request = read_table<wire::PlacementRequestT>(merged, "PlacementRequest");
    if (!request) return call->respond(error_response(request.error()));
    wire::PlacementRequestUpdateT update;
    update.request = std::make_unique<wire::PlacementRequestT>(std::move(*request));
    auto reply = session.call_for(person, body_of(std::move(update)));
    if (!reply) return call->respond(failure_response(reply.error()));
    call->respond(with_freshness(render_reply(reply->get()), reply->get()));
  });
}

void cancel_request(Api& api, const CallPtr& call) {
  auto object = body_object(call, {{"id", call->params[0]}});
  if (!object) return refuse(call, object.error());
  auto cancel = read_table<wire::PlacementRequestCancelT>(*object, "PlacementRequestCancel");
  if (!cancel) return refuse(call, cancel.error());
  api.forward(call, body_of(std::move(*cancel)));
}

Result<wire::RecordRequestT> record_request(const CallPtr& call) {
  wire::RecordRequestT request;
  request.request_id = call->params[0];
  if (call->request.param("sequence")) {
    auto sequence = number_param<std::uint64_t>(call->request, "sequence");
    if (!sequence) return sequence.error();
    request.sequence = *sequence;
  }
  if (auto at = call->request.param("at")) {
    auto moment = cli::parse_time(*at);
    if (!moment) return moment.error();
    request.at = *moment;
  }
  return request;
}

void record(Api& api, const CallPtr& call) {
  auto request = record_request(call);
  if (!request) return refuse(call, request.error());
  api.forward(call, body_of(std::move(*request)));
}

void record_html(Api& api, const CallPtr& call) {
  auto request = record_request(call);
  if (!request) return refuse(call, request.error());
  api.forward(call, body_of(std::move(*request)), [](const wire::Reply& reply) {
    const auto* record = reply.body_as_PlacementRecord();
    if (record == nullptr) return error_response(503, "malformed", "réponse inattendue du broker");
    wire::PlacementRecordT native;
    record->UnPackTo(&native);
    HttpResponse response;
    response.content_type = "text/html; charset=utf-8";
    response.body = cli::format_record_html(native);
    // A printable page with its own styles and no script at all.
    response.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    return response;
  });
}

// ------------------------------------------------------------------ holds

void list_holds(Api& api, const CallPtr& call) {
  const auto facility_id = call->request.param("facility");
  if (!facility_id) return refuse(call, invalid("paramètre « facility » absent (identifiant de l'établissement)"));
  wire::FacilityRequestT request;
  request.facility_id = *facility_id;
  api.forward(call, body_of(std::move(request)), [](const wire::Reply& reply) {
    auto state = nlohmann::json::parse(render_reply(reply).body, nullptr, false);
    nlohmann::json holds = state.is_object() && state.contains("holds") ? state["holds"] : nlohmann::json::array();
    return json_response(200, nlohmann::json{{"holds", holds}, {"sequence", reply.sequence()}}.dump());
  });
}

void place_hold(Api& api, const CallPtr& call) {
  auto object = body_object(call);
  if (!object) return refuse(call, object.error());
  auto hold = read_table<wire::HoldPlaceT>(*object, "HoldPlace");
  if (!hold) return refuse(call, hold.error());
  api.forward(call, body_of(std::move(*hold)));
}

void end_hold_with(Api& api, const CallPtr& call, wire::HoldState outcome) {
  auto object = body_object(call, {{"hold_id", call->params[0]}});
  if (!object) return refuse(call, object.error());
  (*object)["outcome"] = wire::EnumNameHoldState(outcome);
  auto end = read_table<wire::HoldEndT>(*object, "HoldEnd");
  if (!end) return refuse(call, end.error());
  api.forward(call, body_of(std::move(*end)));
}

void admit(Api& api, const CallPtr& call) { end_hold_with(api, call, wire::HoldState::admitted); }
void release(Api& api, const CallPtr& call) { end_hold_with(api, call, wire::HoldState::released); }
void decline(Api& api, const CallPtr& call) { end_hold_with(api, call, wire::HoldState::declined); }

// ------------------------------------------------------------------ reports

void capacity(Api& api, const CallPtr& call) {
  wire::CapacityRequestT request;
  request.departement = call->request.param("dept").value_or("");
  if (auto at = call->request.param("at")) {
    auto moment = cli::parse_time(*at);
    if (!moment) return refuse(call, moment.error());
    request.at = *moment;
  }
  api.forward(call, body_of(std::move(request)));
}

void export_csv(Api& api, const CallPtr& call) {
  wire::ExportRequestT request;
  request.departement = call->request.param("dept").value_or("");
  request.from = call->request.param("from").value_or("");
  request.to = call->request.param("to").value_or("");
  if (request.from.empty() || request.to.empty()) {
    return refuse(call, invalid("paramètres « from » et « to » obligatoires (AAAA-MM-JJ)"));
  }
  api.forward(call, body_of(std::move(request)), [](const wire::Reply& reply) {
    const auto* result = reply.body_as_ExportResult();
    if (result == nullptr) return error_response(503, "malformed", "réponse inattendue du broker");
    wire::ExportResultT native;
    result->UnPackTo(&native);
    HttpResponse response;
    response.content_type = "text/csv; charset=utf-8";
    response.body = cli::format_export_csv(native);
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"dispo-export.csv\"");
    return response;
  });
}

// ------------------------------------------------------------------ alerts and saved searches

void alerts(Api& api, const CallPtr& call) {
  wire::AlertFetchT fetch;
  if (call->request.param("after")) {
    auto after = number_param<std::uint64_t>(call->request, "after");
    if (!after) return refuse(call, after.error());
    fetch.after = *after;
  }
  api.forward(call, body_of(std::move(fetch)));
}

void acknowledge(Api& api, const CallPtr& call) {
  wire::AlertAckT ack;
  const std::string& text = call->params[0];
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ack.upto);
  if (error != std::errc() || end != text.data() + text.size()) return refuse(call, invalid("numéro d'alerte attendu, reçu « " + text + " »"));
  api.forward(call, body_of(std::move(ack)));
}

void subscriptions(Api& api, const CallPtr& call) { api.forward(call, body_of(wire::SubscriptionQueryT{})); }

void subscribe(Api& api, const CallPtr& call) {
  auto object = body_object(call);
  if (!object) return refuse(call, object.error());
  auto subscription = read_table<wire::SubscriptionT>(*object, "Subscription");
  if (!subscription) return refuse(call, subscription.error());
  wire::SubscribeT subscribe;
  subscribe.subscription = std::make_unique<wire::SubscriptionT>(std::move(*subscription));
  api.forward(call, body_of(std::move(subscribe)));
}

void unsubscribe(Api& api, const CallPtr& call) {
  wire::UnsubscribeT unsubscribe;
  unsubscribe.id = call->params[0];
  api.forward(call, body_of(std::move(unsubscribe)));
}

}  // namespace

std::vector<Route> domain_routes() {
  return {
      {"GET", "/api/v1/find", true, find},
      {"GET", "/api/v1/facilities/{id}", true, facility},
      {"GET", "/api/v1/board", true, board},
      {"POST", "/api/v1/facilities/{id}/units/{unit}/availability", true, update_unit},
      {"POST", "/api/v1/facilities/{id}/confirm", true, confirm},
      {"GET", "/api/v1/requests", true, list_requests},
      {"POST", "/api/v1/requests", true, open_request},
      {"POST", "/api/v1/requests/discharge", true, discharge},
      {"GET", "/api/v1/requests/{id}", true, show_request},
      {"PATCH", "/api/v1/requests/{id}", true, patch_request},
      {"POST", "/api/v1/requests/{id}/cancel", true, cancel_request},
      {"GET", "/api/v1/requests/{id}/record", true, record},
      {"GET", "/api/v1/requests/{id}/record.html", true, record_html},
      {"GET", "/api/v1/holds", true, list_holds},
      {"POST", "/api/v1/holds", true, place_hold},
      {"POST", "/api/v1/holds/{id}/admit", true, admit},
      {"POST", "/api/v1/holds/{id}/release", true, release},
      {"POST", "/api/v1/holds/{id}/decline", true, decline},
      {"GET", "/api/v1/capacity", true, capacity},
      {"GET", "/api/v1/export.csv", true, export_csv},
      {"GET", "/api/v1/alerts", true, alerts},
      {"POST", "/api/v1/alerts/{number}/ack", true, acknowledge},
      {"GET", "/api/v1/subscriptions", true, subscriptions},
      {"POST", "/api/v1/subscriptions", true, subscribe},
      {"DELETE", "/api/v1/subscriptions/{id}", true, unsubscribe},
  };
}

}  // namespace dispo::web
