// Alerts: each principal's durable, numbered stream of alerts (DESIGN.md §3 "Subscription").
//
// An alert is staged in the same commit as the change that raised it (so it exists exactly when
// the change does), stored under (owner, number) with numbers 1, 2, 3… per owner without gaps,
// and published on the owner's feed topic "al/<owner>/" once the commit is durable. An owner
// that was away fetches what it missed with AlertFetch and moves its cursor with AlertAck.
//
// The matcher hooks below are called by the writes; each raises the alerts its change causes.
// All run on the event loop thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "state/broker_state.h"

namespace dispo::broker {

// Numbers `alert` as the owner's next, stages it in `pending` and returns its number.
std::uint64_t raise_alert(BrokerState& state, PendingCommit& pending, std::string_view owner,
                          wire::AlertT alert);

// An alert as the feed carries it on its owner's topic.
std::string alert_message(const wire::AlertT& alert);

// A unit's availability changed from `before` (registration, update, confirmation, hold):
// raises place_matches for standing searches and pending requests that it newly satisfies — one
// alert per owner, naming every search and request of that owner the place answers, with the
// facility's name and 24/7 phone — and capacity_low for territory subscriptions whose free
// places fell below their threshold.
void on_availability_changed(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                             const FacilityRecord& facility, const UnitRecord& unit,
                             const wire::AvailabilityT& before, std::uint64_t sequence);

// A placement request was opened or changed state: request_changed for its creator and for
// every subscription following it.
void on_request_changed(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                        const wire::PlacementRequestT& request, std::uint64_t sequence);

// A hold on a facility's unit was placed or ended (admitted, released, expired, declined):
// hold_changed to each unrevoked facility principal of that facility, except the one that made
// the change, naming the unit, the request and its children's ages, with the facility's phone.
void on_hold_changed(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                     const wire::HoldT& hold, std::uint64_t sequence);

// Time-driven alerts for (state.workflow.checked_until_ms, now_ms]: facility_stale when a unit's
// confirmation passes the freshness limit, request_waiting when a pending request passes its
// escalation threshold. Moves checked_until_ms (durably, in `pending`) to now_ms.
// Escalation counts from waiting_since (when the child was ready, or when the request started
// waiting), not from when it was entered: a request entered already past its threshold escalates
// at the first tick after it was entered (or after its waiting_since or threshold last changed).
void on_time(BrokerState& state, PendingCommit& pending, std::int64_t now_ms);

}  // namespace dispo::broker
