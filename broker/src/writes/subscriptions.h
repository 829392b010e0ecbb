// Subscriptions and the alert stream of each owner (DESIGN.md §3 "Subscription", issue #3).
//
// The owner of a subscription and of alerts is actor(context): the principal with CURVE, else
// the client id (so a client without CURVE must keep its client id to find its alerts again).
// Every handler works on the requesting owner's own subscriptions and alerts only: another
// owner's subscription is answered as unknown (its existence is not revealed).
// Writes validate everything first and stage nothing on error. Event loop thread only.
#pragma once

#include <cstdint>
#include <string>

#include "changes.h"

namespace dispo::broker {

class Store;

// Saves a standing subscription with the id "S-<n>" (n from a durable counter: never reused, even
// across restarts). search: a sane query (check_query); a non-admin without a département in
// the query gets its only département, or must name one. request: the request must exist
// (unknown_request). territory: a département and a threshold >= 1. Asking again for what one
// of the owner's subscriptions already asks (same kind and criteria, once normalised) stages
// nothing and answers that subscription: same id, no duplicate.
// Reply: the Subscription as stored.
Result<Applied> subscribe(BrokerState& state, PendingCommit& pending, const Store& store,
                          const wire::Subscribe& request, const RequestContext& context);

// Deletes one of the owner's subscriptions; unknown_request for any other id.
Result<Applied> unsubscribe(BrokerState& state, PendingCommit& pending, const wire::Unsubscribe& request,
                            const RequestContext& context);

// Moves the owner's durable cursor to `upto`. Refused (invalid) beyond the owner's last alert;
// an ack at or below the cursor is accepted and changes nothing (a retried or late ack).
Result<Applied> acknowledge_alerts(BrokerState& state, PendingCommit& pending, const wire::AlertAck& ack,
                                   const RequestContext& context);

// Reply SubscriptionList: the owner's subscriptions, by id.
std::string answer_subscriptions(const BrokerState& state, std::uint64_t request_id, const RequestContext& context);

// Reply AlertList: the owner's committed alerts after `after` (its acknowledged cursor when
// absent), oldest first, at most `limit` (1..10,000), with the cursor and the last number.
std::string answer_alerts(const BrokerState& state, const Store& store, std::uint64_t request_id,
                          const wire::AlertFetch& fetch, const RequestContext& context);

}  // namespace dispo::broker
