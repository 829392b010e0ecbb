#include "request_views.h"

#include <algorithm>
#include <map>
#include <vector>

#include "access/authorisation.h"
#include "model/replies.h"

namespace dispo::broker {
namespace {

bool is_own(const wire::PrincipalT& who, const wire::HoldT& hold) {
  return std::find(who.facilities.begin(), who.facilities.end(), hold.facility_id) != who.facilities.end();
}

// The facility's active holds, by request id (the earliest hold first).
std::map<std::string, const wire::HoldT*, std::less<>> own_holds(const BrokerState& state,
                                                                 const wire::PrincipalT& who) {
  std::map<std::string, const wire::HoldT*, std::less<>> holds;
  for (const auto& [id, hold] : state.workflow.holds) {
    if (!is_own(who, hold)) continue;
    auto [found, inserted] = holds.try_emplace(hold.request_id, &hold);
    if (!inserted && hold.created_at < found->second->created_at) found->second = &hold;
  }
  return holds;
}

flatbuffers::Offset<wire::RequestStatus> pack_view(flatbuffers::FlatBufferBuilder& builder,
                                                   const wire::PlacementRequestT& request, const wire::HoldT* hold) {
  const wire::PlacementRequestT view = facility_view(request);
  auto packed = wire::PlacementRequest::Pack(builder, &view);
  auto own = hold ? wire::Hold::Pack(builder, hold) : flatbuffers::Offset<wire::Hold>();
  wire::RequestStatusBuilder status(builder);  // named fields: the table grows at its end
  status.add_request(packed);
  if (hold) status.add_hold(own);
  status.add_restricted(true);
  return status.Finish();
}

}  // namespace

wire::PlacementRequestT facility_view(const wire::PlacementRequestT& request) {
  wire::PlacementRequestT view;
  view.id = request.id;
  view.child_ref = request.child_ref;
  view.legal_basis = request.legal_basis;
  view.state = request.state;
  view.keep_together = request.keep_together;
  if (request.criteria) {
    view.criteria = std::make_unique<wire::SearchQueryT>();
    view.criteria->departement = request.criteria->departement;
    view.criteria->needs = request.criteria->needs;
    for (const auto& child : request.criteria->children) {
      auto copy = std::make_unique<wire::ChildT>();
      copy->age = child->age;
      copy->sex = child->sex;
      copy->needs = child->needs;
      view.criteria->children.push_back(std::move(copy));
    }
  }
  return view;
}

std::string answer_held_requests(const BrokerState& state, std::uint64_t request_id,
                                 const wire::PlacementRequestQuery& query, const RequestContext& context) {
  const wire::PrincipalT& who = *context.principal;
  const auto holds = own_holds(state, who);
  std::vector<std::pair<const wire::PlacementRequestT*, const wire::HoldT*>> selected;
  if (query.id() != nullptr) {
    const wire::PlacementRequestT* request = state.workflow.request(query.id()->string_view());
    if (request == nullptr) {
      return encode_error(request_id,
                          make_error(wire::Status::unknown_request,
                                     "demande de placement " + query.id()->str() + " inconnue"),
                          state.sequence);
    }
    auto hold = holds.find(request->id);
    if (hold == holds.end()) {  // authorise() refuses this first; kept so the view never leaks
      return encode_error(request_id,
                          make_error(wire::Status::forbidden, "aucune place de cet établissement n'est réservée pour " +
                                                                  request->id),
                          state.sequence);
    }
    selected.emplace_back(request, hold->second);
  } else {
    const std::string_view departement = query.departement() ? query.departement()->string_view() : "";
    for (const auto& [id, hold] : holds) {
      const wire::PlacementRequestT* request = state.workflow.request(id);
      if (request == nullptr) continue;
      if (!departement.empty() && request->criteria && request->criteria->departement != departement) continue;
      selected.emplace_back(request, hold);
    }
    std::stable_sort(selected.begin(), selected.end(),
                     [](const auto& a, const auto& b) { return a.second->created_at < b.second->created_at; });
  }
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](flatbuffers::FlatBufferBuilder& builder) {
    std::vector<flatbuffers::Offset<wire::RequestStatus>> statuses;
    for (const auto& [request, hold] : selected) statuses.push_back(pack_view(builder, *request, hold));
    return std::pair{wire::ReplyBody::RequestList,
                     wire::CreateRequestList(builder, builder.CreateVector(statuses), state.sequence).Union()};
  });
}

}  // namespace dispo::broker
