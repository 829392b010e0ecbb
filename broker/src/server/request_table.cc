#include "request_table.h"

#include <array>
#include <cstddef>

#include "reports/capacity.h"
#include "reports/export_series.h"
#include "writes/holds.h"
#include "reports/placement_record.h"
#include "writes/placement_requests.h"
#include "writes/principal_changes.h"
#include "reports/queries.h"
#include "reports/request_views.h"
#include "writes/subscriptions.h"
#include "writes/web_accounts.h"

namespace dispo::broker {
namespace {

using Body = wire::RequestBody;

// Writes whose reply is the sequence alone.
Result<Applied> sequence_only(Result<std::uint64_t> sequence) {
  if (!sequence) return sequence.error();
  return Applied{*sequence, {}};
}

std::uint64_t id_of(const HandlerInput& in) { return in.request.request_id(); }

constexpr RequestEntry read(Body type, AuthorisationRule rule, ReadHandler handler, bool gateway_itself = false) {
  return {type, Handling::read, rule, gateway_itself, handler, nullptr, nullptr};
}
constexpr RequestEntry write(Body type, AuthorisationRule rule, WriteHandler handler, bool gateway_itself = false) {
  return {type, Handling::write, rule, gateway_itself, nullptr, handler, nullptr};
}
constexpr RequestEntry report(Body type, AuthorisationRule rule, ReportHandler handler, bool gateway_itself = false) {
  return {type, Handling::report, rule, gateway_itself, nullptr, nullptr, handler};
}

constexpr std::size_t kTypes = static_cast<std::size_t>(Body::MAX) + 1;

// Indexed by the union's value; entry 0 (NONE) stays empty.
constexpr std::array<RequestEntry, kTypes> kTable = {
    RequestEntry{},
    write(Body::Registration, rules::admin_only,
          [](const HandlerInput& in, PendingCommit& pending) {
            return sequence_only(register_facilities(in.state, pending, *in.request.body_as_Registration(), in.context));
          }),
    write(Body::AvailabilityUpdate, rules::publish_update,
          [](const HandlerInput& in, PendingCommit& pending) {
            return sequence_only(
                update_availability(in.state, pending, *in.request.body_as_AvailabilityUpdate(), in.context));
          }),
    write(Body::Confirmation, rules::publish_confirmation,
          [](const HandlerInput& in, PendingCommit& pending) {
            return sequence_only(confirm_current(in.state, pending, *in.request.body_as_Confirmation(), in.context));
          }),
    read(Body::SearchQuery, rules::read_search,
         [](const HandlerInput& in) {
           return answer_search(in.state, id_of(in), *in.request.body_as_SearchQuery(), in.context);
         }),
    read(Body::SnapshotRequest, rules::read_snapshot,
         [](const HandlerInput& in) {
           return answer_snapshot(in.state, id_of(in), *in.request.body_as_SnapshotRequest(), in.context);
         },
         /*gateway_itself=*/true),
    read(Body::FacilityRequest, rules::read_facility,
         [](const HandlerInput& in) {
           return answer_facility(in.state, id_of(in), *in.request.body_as_FacilityRequest());
         }),
    write(Body::PrincipalGrant, rules::admin_only,
          [](const HandlerInput& in, PendingCommit& pending) {
            return sequence_only(grant_principal(in.state, pending, *in.request.body_as_PrincipalGrant(), in.context));
          }),
    write(Body::PrincipalRevoke, rules::admin_only,
          [](const HandlerInput& in, PendingCommit& pending) {
            return sequence_only(revoke_principal(in.state, pending, *in.request.body_as_PrincipalRevoke(), in.context));
          }),
    read(Body::PrincipalListRequest, rules::admin_only,
         [](const HandlerInput& in) { return answer_principal_list(in.state, id_of(in)); }),
    RequestEntry{Body::BackupRequest, Handling::backup, rules::admin_only},
    write(Body::PlacementRequestOpen, rules::open_request,
          [](const HandlerInput& in, PendingCommit& pending) {
            return open_request(in.state, pending, *in.request.body_as_PlacementRequestOpen(), in.context);
          }),
    write(Body::PlacementRequestUpdate, rules::update_request,
          [](const HandlerInput& in, PendingCommit& pending) {
            return update_request(in.state, pending, *in.request.body_as_PlacementRequestUpdate(), in.context);
          }),
    write(Body::PlacementRequestCancel, rules::cancel_request,
          [](const HandlerInput& in, PendingCommit& pending) {
            return cancel_request(in.state, pending, *in.request.body_as_PlacementRequestCancel(), in.context);
          }),
    read(Body::PlacementRequestQuery, rules::read_requests,
         [](const HandlerInput& in) {
           const auto& query = *in.request.body_as_PlacementRequestQuery();
           if (in.context.principal->role == wire::Role::facility) {  // the restricted view
             return answer_held_requests(in.state, id_of(in), query, in.context);
           }
           return answer_requests(in.state, id_of(in), query, in.context);
         }),
    write(Body::HoldPlace, rules::place_hold,
          [](const HandlerInput& in, PendingCommit& pending) {
            return place_hold(in.state, pending, *in.request.body_as_HoldPlace(), in.context);
          }),
    write(Body::HoldEnd, rules::end_hold,
          [](const HandlerInput& in, PendingCommit& pending) {
            return end_hold(in.state, pending, in.store, *in.request.body_as_HoldEnd(), in.context);
          }),
    write(Body::Subscribe, rules::subscribe,
          [](const HandlerInput& in, PendingCommit& pending) {
            return subscribe(in.state, pending, in.store, *in.request.body_as_Subscribe(), in.context);
          }),
    write(Body::Unsubscribe, rules::own_subscriptions_and_alerts,
          [](const HandlerInput& in, PendingCommit& pending) {
            return unsubscribe(in.state, pending, *in.request.body_as_Unsubscribe(), in.context);
          }),
    read(Body::AlertFetch, rules::own_subscriptions_and_alerts,
         [](const HandlerInput& in) {
           return answer_alerts(in.state, in.store, id_of(in), *in.request.body_as_AlertFetch(), in.context);
         }),
    write(Body::AlertAck, rules::own_subscriptions_and_alerts,
          [](const HandlerInput& in, PendingCommit& pending) {
            return acknowledge_alerts(in.state, pending, *in.request.body_as_AlertAck(), in.context);
          }),
    read(Body::SubscriptionQuery, rules::own_subscriptions_and_alerts,
         [](const HandlerInput& in) { return answer_subscriptions(in.state, id_of(in), in.context); }),
    report(Body::CapacityRequest, rules::read_capacity,
           [](const HandlerInput& in) {
             return answer_capacity(in.state, id_of(in), *in.request.body_as_CapacityRequest(), in.context);
           }),
    report(Body::ExportRequest, rules::read_export,
           [](const HandlerInput& in) {
             return answer_export(in.state, id_of(in), *in.request.body_as_ExportRequest(), in.context);
           }),
    report(Body::RecordRequest, rules::read_record,
           [](const HandlerInput& in) {
             return answer_record(in.state, id_of(in), *in.request.body_as_RecordRequest(), in.context);
           }),
    report(Body::WebLogin, rules::check_password,
           [](const HandlerInput& in) { return answer_web_login(in.state, id_of(in), *in.request.body_as_WebLogin()); },
           /*gateway_itself=*/true),
    write(Body::WebEnrol, rules::check_password,
          [](const HandlerInput& in, PendingCommit& pending) {
            return enrol_web_account(in.state, pending, *in.request.body_as_WebEnrol(), in.context);
          },
          /*gateway_itself=*/true),
    write(Body::WebAccountReset, rules::admin_only,
          [](const HandlerInput& in, PendingCommit& pending) {
            return reset_web_account(in.state, pending, *in.request.body_as_WebAccountReset(), in.context);
          }),
    RequestEntry{Body::ClusterStatusRequest, Handling::cluster, rules::admin_only},
    RequestEntry{Body::ClusterChange, Handling::cluster, rules::admin_only},
};

// Every union member has its entry, in its place. A new member of RequestBody makes kTable one
// longer: its last entry is then empty and the build fails here. (That each entry has the handler
// its handling needs is checked by RequestTableTest: comparing function addresses is not a
// constant expression under the sanitizers.)
constexpr bool in_union_order(const std::array<RequestEntry, kTypes>& table) {
  for (std::size_t i = 1; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].type) != i) return false;
  }
  return true;
}
static_assert(in_union_order(kTable), "every member of wire::RequestBody needs its entry in kTable, in union order");

}  // namespace

const RequestEntry* request_entry(wire::RequestBody type) {
  const auto index = static_cast<std::size_t>(type);
  if (index == 0 || index >= kTable.size()) return nullptr;  // unknown: refused
  return &kTable[index];
}

Result<void> authorise(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex& index,
                       const Workflow& workflow) {
  if (auto active = refuse_revoked(who); !active) return active;
  const RequestEntry* entry = request_entry(request.body_type());
  if (entry == nullptr) return refuse_unknown_type(who, request.body_type());
  if (who.role == wire::Role::gateway) return authorise_gateway_itself(who, entry->gateway_itself);
  return entry->authorise(who, request, index, workflow);
}

}  // namespace dispo::broker
