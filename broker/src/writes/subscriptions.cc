#include "subscriptions.h"

#include <algorithm>
#include <cctype>

#include "model/logger.h"
#include "model/replies.h"
#include "storage/store.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

constexpr std::uint32_t kMaxFetch = 10'000;
constexpr std::size_t kMaxSubscriptionsPerOwner = 1'000;

bool is_departement(std::string_view text) {
  return text.size() >= 2 && text.size() <= 3 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

Error invalid(std::string message) { return make_error(wire::Status::invalid, std::move(message)); }

Error unknown_subscription(std::string_view id) {
  return make_error(wire::Status::unknown_request, "abonnement " + std::string(id) + " inconnu pour ce client");
}

Result<void> check_search(const wire::Subscription& subscription, wire::SubscriptionT& native,
                          const wire::PrincipalT& who) {
  if (subscription.query() == nullptr) return invalid("abonnement à une recherche sans critères (query)");
  if (auto valid = check_query(*subscription.query()); !valid) return valid.error();
  std::string& departement = native.query->departement;
  if (!departement.empty() && !is_departement(departement)) {
    return invalid("département « " + departement + " » invalide (59, 2A, 974…)");
  }
  if (departement.empty() && who.role != wire::Role::admin) {
    if (who.departements.size() != 1) {
      return invalid("précisez le département de la recherche enregistrée (--dept) : ce compte en couvre plusieurs");
    }
    departement = who.departements.front();
  }
  native.request_id.clear();
  native.departement.clear();
  native.facility_kind.reset();
  native.threshold = 0;
  return {};
}

Result<void> check_territory(wire::SubscriptionT& native) {
  if (native.departement.empty()) return invalid("seuil de places libres sans département (--dept)");
  if (!is_departement(native.departement)) {
    return invalid("département « " + native.departement + " » invalide (59, 2A, 974…)");
  }
  if (native.threshold == 0) return invalid("seuil de places libres manquant ou nul (--below N, N ≥ 1)");
  if (native.facility_kind && *native.facility_kind > wire::FacilityKind::MAX) {
    return invalid("type d'établissement inconnu dans l'abonnement");
  }
  native.query.reset();
  native.request_id.clear();
  return {};
}

std::string packed_query(const wire::SubscriptionT& subscription) {
  if (!subscription.query) return {};
  flatbuffers::FlatBufferBuilder builder(256);
  builder.Finish(wire::SearchQuery::Pack(builder, subscription.query.get()));
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

// The owner's subscription asking for the same thing as `wanted` (already normalised), if any.
const wire::SubscriptionT* same_subscription(const Workflow& workflow, std::string_view owner,
                                             const wire::SubscriptionT& wanted) {
  const std::string query = packed_query(wanted);
  for (const auto& [id, subscription] : workflow.subscriptions) {
    if (subscription.owner != owner || subscription.kind != wanted.kind) continue;
    if (subscription.request_id != wanted.request_id || subscription.departement != wanted.departement ||
        subscription.facility_kind != wanted.facility_kind || subscription.threshold != wanted.threshold) {
      continue;
    }
    if (packed_query(subscription) == query) return &subscription;
  }
  return nullptr;
}

Applied answer_subscription(const BrokerState& state, const wire::SubscriptionT& subscription) {
  return Applied{state.sequence, [copy = subscription](flatbuffers::FlatBufferBuilder& builder) {
                   return std::pair{wire::ReplyBody::Subscription, wire::Subscription::Pack(builder, &copy).Union()};
                 }};
}

std::size_t owned_by(const Workflow& workflow, std::string_view owner) {
  return static_cast<std::size_t>(std::count_if(workflow.subscriptions.begin(), workflow.subscriptions.end(),
                                                [&](const auto& entry) { return entry.second.owner == owner; }));
}

Result<std::uint64_t> next_subscription_number(BrokerState& state, const Store& store) {
  AlertMatcher& matcher = state.alert_matcher;
  matcher.ensure(state);
  if (!matcher.subscription_counter_loaded) {
    auto stored = store.subscription_counter();
    if (!stored) return stored.error();
    matcher.last_subscription_number = std::max(matcher.last_subscription_number, *stored);
    matcher.subscription_counter_loaded = true;
  }
  return ++matcher.last_subscription_number;
}

}  // namespace

Result<Applied> subscribe(BrokerState& state, PendingCommit& pending, const Store& store,
                          const wire::Subscribe& request, const RequestContext& context) {
  const wire::Subscription& subscription = *request.subscription();
  const std::string owner = actor(context);
  if (owner.empty()) return invalid("abonnement sans identifiant client ni principal");
  wire::SubscriptionT native;
  subscription.UnPackTo(&native);
  switch (native.kind) {
    case wire::SubscriptionKind::search:
      if (auto valid = check_search(subscription, native, *context.principal); !valid) return valid.error();
      break;
    case wire::SubscriptionKind::request:
      if (native.request_id.empty()) return invalid("abonnement à une demande sans identifiant de demande");
      if (state.workflow.request(native.request_id) == nullptr) {
        return make_error(wire::Status::unknown_request, "demande " + native.request_id + " inconnue");
      }
      native.query.reset();
      native.departement.clear();
      native.facility_kind.reset();
      native.threshold = 0;
      break;
    case wire::SubscriptionKind::territory:
      if (auto valid = check_territory(native); !valid) return valid.error();
      break;
    default:
      return invalid("type d'abonnement inconnu (search, request ou territory)");
  }
  if (const wire::SubscriptionT* same = same_subscription(state.workflow, owner, native)) {
    logger()->debug("subscription id={} owner={} asked again: the existing one is answered", same->id, owner);
    return answer_subscription(state, *same);  // the same thing twice: one subscription, nothing staged
  }
  if (owned_by(state.workflow, owner) >= kMaxSubscriptionsPerOwner) {
    return invalid("trop d'abonnements pour ce client (" + std::to_string(kMaxSubscriptionsPerOwner) +
                   " au plus) : supprimez-en avec dispo unsubscribe");
  }
  auto number = next_subscription_number(state, store);
  if (!number) return number.error();
  native.id = "S-" + std::to_string(*number);
  native.owner = owner;
  native.created_at = context.now_ms;
  pending.batch.put_subscription(native);
  pending.batch.set_subscription_counter(*number);
  logger()->info("subscription id={} owner={} kind={}", native.id, owner, wire::EnumNameSubscriptionKind(native.kind));
  auto stored = state.workflow.subscriptions.insert_or_assign(native.id, std::move(native)).first;
  state.alert_matcher.invalidate();
  return answer_subscription(state, stored->second);
}

Result<Applied> unsubscribe(BrokerState& state, PendingCommit& pending, const wire::Unsubscribe& request,
                            const RequestContext& context) {
  const std::string_view id = request.id()->string_view();
  auto found = state.workflow.subscriptions.find(id);
  if (found == state.workflow.subscriptions.end() || found->second.owner != actor(context)) {
    return unknown_subscription(id);
  }
  pending.batch.delete_subscription(id);
  logger()->info("unsubscription id={} owner={}", id, found->second.owner);
  state.workflow.subscriptions.erase(found);
  state.alert_matcher.invalidate();
  return Applied{state.sequence, {}};
}

Result<Applied> acknowledge_alerts(BrokerState& state, PendingCommit& pending, const wire::AlertAck& ack,
                                   const RequestContext& context) {
  const std::string owner = actor(context);
  auto found = state.workflow.alert_cursors.find(owner);
  const AlertCursor cursor = found == state.workflow.alert_cursors.end() ? AlertCursor{} : found->second;
  if (ack.upto() > cursor.last) {
    return invalid("accusé de réception au-delà de la dernière alerte (" + std::to_string(ack.upto()) + " > " +
                   std::to_string(cursor.last) + ")");
  }
  if (ack.upto() <= cursor.acknowledged) return Applied{state.sequence, {}};  // already acknowledged
  state.workflow.alert_cursors[owner].acknowledged = ack.upto();
  pending.batch.set_alert_acknowledged(owner, ack.upto());
  return Applied{state.sequence, {}};
}

std::string answer_subscriptions(const BrokerState& state, std::uint64_t request_id, const RequestContext& context) {
  const std::string owner = actor(context);
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](flatbuffers::FlatBufferBuilder& builder) {
    std::vector<flatbuffers::Offset<wire::Subscription>> list;
    for (const auto& [id, subscription] : state.workflow.subscriptions) {
      if (subscription.owner == owner) list.push_back(wire::Subscription::Pack(builder, &subscription));
    }
    return std::pair{wire::ReplyBody::SubscriptionList,
                     wire::CreateSubscriptionList(builder, builder.CreateVector(list)).Union()};
  });
}

std::string answer_alerts(const BrokerState& state, const Store& store, std::uint64_t request_id,
                          const wire::AlertFetch& fetch, const RequestContext& context) {
  const std::string owner = actor(context);
  auto found = state.workflow.alert_cursors.find(owner);
  const AlertCursor cursor = found == state.workflow.alert_cursors.end() ? AlertCursor{} : found->second;
  if (fetch.limit() == 0 || fetch.limit() > kMaxFetch) {
    return encode_error(request_id, invalid("nombre d'alertes demandé hors limites (1 à 10000)"), state.sequence);
  }
  const std::uint64_t after = fetch.after().has_value() ? *fetch.after() : cursor.acknowledged;
  auto alerts = store.alerts(owner, after, fetch.limit());
  if (!alerts) return encode_error(request_id, alerts.error(), state.sequence);
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](flatbuffers::FlatBufferBuilder& builder) {
    std::vector<flatbuffers::Offset<wire::Alert>> list;
    list.reserve(alerts->size());
    for (const auto& alert : *alerts) list.push_back(wire::Alert::Pack(builder, &alert));
    return std::pair{wire::ReplyBody::AlertList,
                     wire::CreateAlertList(builder, builder.CreateVector(list), cursor.acknowledged, cursor.last).Union()};
  });
}

}  // namespace dispo::broker
