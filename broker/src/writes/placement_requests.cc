#include "placement_requests.h"

#include <algorithm>
#include <memory>

#include "dispo/schemas/labels.h"

#include "alerts.h"
#include "access/authorisation.h"
#include "holds.h"
#include "matching/search.h"
#include "model/sibling_group.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

constexpr std::size_t kMaxChildRef = 64;
constexpr std::int64_t kClockSkewMs = 5 * 60 * 1000;

Error invalid(const std::string& message) { return make_error(wire::Status::invalid, message); }

Error unknown(std::string_view id) {
  return make_error(wire::Status::unknown_request, "demande de placement " + std::string(id) + " inconnue");
}

// A pseudonymous reference: letters, digits and - _ . / :, at least one digit, no space. It keeps
// names out (DESIGN.md §3, CNIL): "Jean Dupont" and "dupont" are refused.
Result<void> check_child_ref(std::string_view ref) {
  const bool allowed = std::all_of(ref.begin(), ref.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/' || c == ':';
  });
  const bool has_digit = std::any_of(ref.begin(), ref.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (ref.empty() || ref.size() > kMaxChildRef || !allowed || !has_digit) {
    // The refused text is not repeated: it may be a name, and refusals are logged.
    return invalid("référence enfant refusée : une référence pseudonyme est attendue (lettres, chiffres, - _ . / :, "
                   "au moins un chiffre, sans espace, 64 caractères au plus) — jamais le nom d'un enfant");
  }
  return {};
}

// Checks what the requester sets: criteria, enums, dates. `request` is the wire form.
Result<void> check_request(const wire::PlacementRequest& request, const RequestContext& context) {
  if (auto ref = check_child_ref(request.child_ref()->string_view()); !ref) return ref;
  if (wire::EnumNameOrigin(request.origin())[0] == '\0') return invalid("origine de la demande inconnue");
  if (wire::EnumNameLegalBasis(request.legal_basis())[0] == '\0') return invalid("base légale inconnue");
  const wire::SearchQuery* criteria = request.criteria();
  if (criteria == nullptr || criteria->departement() == nullptr || criteria->departement()->size() == 0) {
    return invalid("une demande de placement indique son département");
  }
  if (criteria->children() == nullptr || criteria->children()->size() == 0) {
    return invalid("une demande de placement décrit au moins un enfant (âge, sexe)");
  }
  if (auto valid = check_query(*criteria); !valid) return valid;
  for (const auto* child : *criteria->children()) {
    if (wire::EnumNameChildSex(child->sex())[0] == '\0') return invalid("sexe d'enfant inconnu");
  }
  if (request.waiting_since() > context.now_ms + kClockSkewMs) {
    return invalid("« en attente depuis » est dans le futur");
  }
  if (request.waiting_since() < 0) return invalid("« en attente depuis » est avant 1970");
  return {};
}

// The request's criteria as searched: each child keeps its own needs (a unit takes a child only
// if it offers that child's needs; suitability.h), never a stale place.
std::unique_ptr<wire::SearchQueryT> criteria_of(const wire::PlacementRequest& request) {
  auto criteria = std::make_unique<wire::SearchQueryT>();
  request.criteria()->UnPackTo(criteria.get());
  criteria->include_stale = false;
  return criteria;
}

bool same_children(const wire::SearchQuery& asked, const wire::SearchQueryT& current) {
  const std::size_t count = asked.children() ? asked.children()->size() : 0;
  if (count != current.children.size()) return false;
  for (std::size_t i = 0; i < count; ++i) {
    const wire::Child* child = asked.children()->Get(i);
    const wire::ChildT& known = *current.children[i];
    const std::vector<wire::Specialty> needs =
        child->needs() ? std::vector<wire::Specialty>(child->needs()->begin(), child->needs()->end())
                       : std::vector<wire::Specialty>();
    if (child->age() != known.age || child->sex() != known.sex || needs != known.needs) return false;
  }
  return true;
}

Applied answer_with_status(const BrokerState& state, std::uint64_t sequence, const std::string& id,
                           const RequestContext& context) {
  // The reply is encoded after the write, from the state as the write left it.
  const BrokerState* at = &state;
  const std::string request_id = id;
  const RequestContext ctx = context;
  return Applied{sequence, [at, request_id, ctx](flatbuffers::FlatBufferBuilder& builder) {
                   const wire::PlacementRequestT* request = at->workflow.request(request_id);
                   return std::pair{wire::ReplyBody::RequestStatus,
                                    pack_request_status(builder, *at, *request, ctx).Union()};
                 }};
}

}  // namespace

std::uint64_t stage_request(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                            const wire::PlacementRequestT& request) {
  pending.batch.put_request(request);
  flatbuffers::FlatBufferBuilder builder(512);
  auto change = wire::CreatePlacementRequestChanged(builder, wire::PlacementRequest::Pack(builder, &request));
  const std::uint64_t sequence =
      stage_event(state, pending, context, requests_territory(request.criteria->departement), builder, change);
  on_request_changed(state, pending, context, request, sequence);
  return sequence;
}

Result<Applied> open_request(BrokerState& state, PendingCommit& pending, const wire::PlacementRequestOpen& open,
                             const RequestContext& context) {
  const wire::PlacementRequest& asked = *open.request();
  if (auto valid = check_request(asked, context); !valid) return valid.error();
  const std::string child_ref = asked.child_ref()->str();
  if (auto existing = state.workflow.open_by_child.find(child_ref); existing != state.workflow.open_by_child.end()) {
    return make_error(wire::Status::conflict, "une demande est déjà en cours pour cet enfant : " + existing->second +
                                                  " (une seule demande ouverte par enfant ; modifiez-la ou annulez-la)");
  }
  wire::PlacementRequestT request;
  request.id = "R-" + std::to_string(state.sequence + 1);
  request.child_ref = child_ref;
  request.origin = asked.origin();
  request.legal_basis = asked.legal_basis();
  request.criteria = criteria_of(asked);
  request.keep_together = asked.keep_together();
  request.waiting_since = asked.waiting_since() > 0 ? asked.waiting_since() : context.now_ms;
  request.escalate_after_s = asked.escalate_after_s();
  request.state = wire::RequestState::open;
  request.created_at = request.changed_at = context.now_ms;
  request.created_by = request.changed_by = actor(context);
  ensure_placements(request, state.workflow.holds);
  const std::string id = request.id;
  state.workflow.open_by_child[child_ref] = id;
  auto& stored = state.workflow.requests[id] = std::move(request);
  const std::uint64_t sequence = stage_request(state, pending, context, stored);
  return answer_with_status(state, sequence, id, context);
}

Result<Applied> update_request(BrokerState& state, PendingCommit& pending,
                               const wire::PlacementRequestUpdate& update, const RequestContext& context) {
  const wire::PlacementRequest& asked = *update.request();
  const std::string_view id = asked.id() ? asked.id()->string_view() : std::string_view();
  wire::PlacementRequestT* request = state.workflow.request(id);
  if (request == nullptr) return unknown(id);
  if (!is_pending(*request)) {
    return make_error(wire::Status::conflict, "la demande " + request->id + " est " + wire::request_state_label(request->state) +
                                                  " : elle ne change plus");
  }
  if (auto valid = check_request(asked, context); !valid) return valid.error();
  if (asked.child_ref()->string_view() != request->child_ref) {
    return invalid("la référence enfant d'une demande ne change pas (annulez-la et ouvrez-en une autre)");
  }
  if (asked.criteria()->departement()->string_view() != request->criteria->departement) {
    return invalid("le département d'une demande ne change pas (" + request->criteria->departement + ")");
  }
  if (asked.origin() != request->origin) return invalid("l'origine d'une demande ne change pas");
  ensure_placements(*request, state.workflow.holds);
  if (!same_children(*asked.criteria(), *request->criteria) &&
      uncovered_children(*request).size() != request->placements.size()) {
    return make_error(wire::Status::conflict, "des enfants de la demande " + request->id +
                                                  " ont une réservation ou sont admis : la fratrie décrite ne change "
                                                  "plus (libérez les réservations d'abord)");
  }
  const bool children_changed = !same_children(*asked.criteria(), *request->criteria);
  request->criteria = criteria_of(asked);
  if (children_changed) {
    request->placements.clear();
    ensure_placements(*request, state.workflow.holds);
  }
  request->keep_together = asked.keep_together();
  if (asked.waiting_since() > 0) request->waiting_since = asked.waiting_since();
  request->legal_basis = asked.legal_basis();
  request->escalate_after_s = asked.escalate_after_s();
  if (asked.note() != nullptr) request->note = asked.note()->str();  // absent: kept as it is
  request->changed_at = context.now_ms;
  request->changed_by = actor(context);
  const std::uint64_t sequence = stage_request(state, pending, context, *request);
  return answer_with_status(state, sequence, request->id, context);
}

Result<Applied> cancel_request(BrokerState& state, PendingCommit& pending,
                               const wire::PlacementRequestCancel& cancel, const RequestContext& context) {
  const std::string_view id = cancel.id()->string_view();
  wire::PlacementRequestT* request = state.workflow.request(id);
  if (request == nullptr) return unknown(id);
  if (!is_pending(*request)) {
    return make_error(wire::Status::conflict, "la demande " + request->id + " est déjà " + wire::request_state_label(request->state));
  }
  if (cancel.reason() && cancel.reason()->size() > 200) return invalid("motif d'annulation trop long (200 caractères)");
  ensure_placements(*request, state.workflow.holds);
  std::vector<std::string> holds;
  for (const auto& [hold_id, hold] : state.workflow.holds) {
    if (hold.request_id == request->id) holds.push_back(hold_id);
  }
  for (const auto& hold_id : holds) give_back(state, pending, context, hold_id, wire::HoldState::released);
  request = state.workflow.request(id);
  for (auto& placement : request->placements) {
    if (placement->state == wire::ChildState::held) *placement = wire::ChildPlacementT();
  }
  request->state = wire::RequestState::cancelled;
  request->hold_id.clear();
  request->children_waiting = 0;
  request->cancel_reason = cancel.reason() ? cancel.reason()->str() : "";
  request->changed_at = context.now_ms;
  request->changed_by = actor(context);
  state.workflow.open_by_child.erase(request->child_ref);
  const std::uint64_t sequence = stage_request(state, pending, context, *request);
  return answer_with_status(state, sequence, request->id, context);
}

std::uint32_t count_matches(const BrokerState& state, const wire::PlacementRequestT& request,
                            const RequestContext& context) {
  if (!is_pending(request) || !request.criteria) return 0;
  SearchContext search_context;
  search_context.now_ms = context.now_ms;
  search_context.stale_after_ms = state.stale_after_ms;
  search_context.sequence = state.sequence;
  search_context.today = context.today;
  wire::SearchQueryT query = *request.criteria;
  query.limit = 0;
  if (request.placements.size() == query.children.size()) {  // only the children not admitted yet
    std::vector<std::unique_ptr<wire::ChildT>> waiting;
    for (std::size_t i = 0; i < query.children.size(); ++i) {
      if (request.placements[i]->state != wire::ChildState::admitted) waiting.push_back(std::move(query.children[i]));
    }
    query.children = std::move(waiting);
  }
  const auto result = search(state.index, query, search_context);
  if (!request.keep_together) return static_cast<std::uint32_t>(result.matches.size());
  return static_cast<std::uint32_t>(std::count_if(result.matches.begin(), result.matches.end(),
                                                  [](const auto& match) { return match->whole_group; }));
}

flatbuffers::Offset<wire::RequestStatus> pack_request_status(flatbuffers::FlatBufferBuilder& builder,
                                                             const BrokerState& state,
                                                             const wire::PlacementRequestT& request,
                                                             const RequestContext& context) {
  auto packed = wire::PlacementRequest::Pack(builder, &request);
  flatbuffers::Offset<wire::Hold> hold;
  if (auto active = state.workflow.holds.find(request.hold_id); active != state.workflow.holds.end()) {
    hold = wire::Hold::Pack(builder, &active->second);
  }
  std::vector<flatbuffers::Offset<wire::Hold>> holds;
  for (const auto& [id, active] : state.workflow.holds) {
    if (active.request_id == request.id) holds.push_back(wire::Hold::Pack(builder, &active));
  }
  const auto all_holds = builder.CreateVector(holds);
  const std::int64_t waiting_s = is_pending(request) ? std::max<std::int64_t>(0, (context.now_ms - request.waiting_since) / 1000)
                                                     : std::max<std::int64_t>(0, (request.changed_at - request.waiting_since) / 1000);
  return wire::CreateRequestStatus(builder, packed, hold, count_matches(state, request, context), waiting_s, all_holds);
}

std::string answer_requests(const BrokerState& state, std::uint64_t request_id,
                            const wire::PlacementRequestQuery& query, const RequestContext& context) {
  std::vector<const wire::PlacementRequestT*> selected;
  if (query.id() != nullptr) {
    const wire::PlacementRequestT* request = state.workflow.request(query.id()->string_view());
    if (request == nullptr) return encode_error(request_id, unknown(query.id()->string_view()), state.sequence);
    selected.push_back(request);
  } else {
    const std::string_view departement = query.departement() ? query.departement()->string_view() : "";
    for (const auto& [id, request] : state.workflow.requests) {
      if (!sees_request(*context.principal, request)) continue;
      if (!departement.empty() && request.criteria && request.criteria->departement != departement) continue;
      const bool wanted = query.states() == nullptr || query.states()->size() == 0
                              ? is_pending(request)
                              : std::find(query.states()->begin(), query.states()->end(), request.state) !=
                                    query.states()->end();
      if (wanted) selected.push_back(&request);
    }
    // Longest waiting first: the child who has waited most is the first to see.
    std::stable_sort(selected.begin(), selected.end(),
                     [](const auto* a, const auto* b) { return a->waiting_since < b->waiting_since; });
  }
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](auto& builder) {
    std::vector<flatbuffers::Offset<wire::RequestStatus>> statuses;
    for (const auto* request : selected) statuses.push_back(pack_request_status(builder, state, *request, context));
    return std::pair{wire::ReplyBody::RequestList,
                     wire::CreateRequestList(builder, builder.CreateVector(statuses), state.sequence).Union()};
  });
}

}  // namespace dispo::broker
