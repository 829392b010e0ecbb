// AlertMatcher: what the alert hooks (alerts.h) look up on every change, derived from the
// workflow and the index so that an availability update costs a few map look-ups when nothing
// can newly match: standing searches and territory subscriptions by département, request
// subscriptions by request, pending requests by département, and each territory's fresh free
// places (for capacity_low edges).
//
// Rebuilt from BrokerState when invalidated (start-up, reload after a failed commit, a
// subscription or request change); the free places are kept up to date by every availability
// change and recomputed on each time tick (units going stale). Holds pointers into
// state.workflow.subscriptions: invalidate() whenever that map changes.
// Owned by the event loop thread: not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/wire.h"

namespace dispo::broker {

struct BrokerState;
struct UnitRecord;
struct FacilityRecord;

// The saved searches and pending requests whose time-independent facility filters (département,
// kinds, distance) a facility passes: computed on the facility's first change, kept while its
// place and kind stay the same and nothing was invalidated.
struct UnitCandidates {
  wire::UnitT unit;  // as it was when computed: recomputed when its admission rules change
  std::vector<const wire::SubscriptionT*> searches;
  std::vector<const wire::PlacementRequestT*> requests;
};
struct FacilityCandidates {
  double lat = 0.0;
  double lon = 0.0;
  wire::FacilityKind kind = wire::FacilityKind::mecs;
  std::vector<const wire::SubscriptionT*> searches;
  std::vector<const wire::PlacementRequestT*> requests;
  std::vector<std::optional<UnitCandidates>> units;  // by unit index; those of the facility's
                                                      // candidates whose unit filters a unit passes
};

// Fresh free places of one département: every kind together and each kind.
struct TerritoryFree {
  std::int64_t total = 0;
  std::array<std::int64_t, static_cast<std::size_t>(wire::FacilityKind::MAX) + 1> by_kind{};

  std::int64_t of(const wire::SubscriptionT& territory) const;
};

class AlertMatcher {
 public:
  template <typename T>
  using ByKey = std::map<std::string, T, std::less<>>;
  using Subscriptions = std::vector<const wire::SubscriptionT*>;

  // Forgets everything derived; the next use rebuilds it from `state`.
  void invalidate() { built_ = false; }
  // Rebuilds if invalidated; true when it did (the free places then already count the state as
  // it is now, change included).
  bool ensure(const BrokerState& state);

  // Standing searches whose département is `departement`, and those without a département ("").
  const Subscriptions& searches(std::string_view departement) const;
  const Subscriptions& territories(std::string_view departement) const;
  const Subscriptions& following(std::string_view request_id) const;
  // Ids of the pending (open or proposed) requests whose criteria name `departement` ("" = none).
  const std::vector<std::string>& pending_requests(std::string_view departement) const;
  // The searches and pending requests that may match unit `unit_index` of `facility` (see
  // FacilityCandidates).
  const UnitCandidates& candidates(const FacilityRecord& facility, std::size_t unit_index, const BrokerState& state);
  // The state each request was last seen in (to tell "opened" and "criteria changed" apart).
  ByKey<wire::RequestState>& request_states() { return request_states_; }

  // The earliest moment `request` may escalate: just after it was entered, or just after its
  // waiting_since or threshold last changed (the latter kept in memory only: after a restart,
  // from its creation). Escalation is due at max(waiting_since + threshold, this).
  std::int64_t escalation_floor(const wire::PlacementRequestT& request) const;
  // Remembers the request's escalation terms (waiting_since, threshold); when they differ from
  // those last seen, its escalation floor moves to just after `now_ms`.
  void note_escalation_terms(const wire::PlacementRequestT& request, std::int64_t now_ms);

  // Places a unit counts as fresh and free, with freshness judged at `reference_ms`
  // (the matcher's free_reference_ms()): available if confirmed within stale_after_ms, else 0.
  static std::int64_t free_places(const wire::AvailabilityT& availability, std::int64_t reference_ms,
                                  std::int64_t stale_after_ms);
  std::int64_t free_reference_ms() const { return free_reference_ms_; }
  TerritoryFree& free(std::string_view departement) { return free_[std::string(departement)]; }
  // Recomputes every territory's free places with freshness judged at `reference_ms`; returns
  // the previous figures (to find thresholds crossed by units going stale).
  ByKey<TerritoryFree> recount_free(const BrokerState& state, std::int64_t reference_ms);

  // Largest subscription number seen (ids "S-<n>"), and whether the store's counter was read.
  std::uint64_t last_subscription_number = 0;
  bool subscription_counter_loaded = false;
  // When on_time last staged workflow.checked_until_ms (it is not written on every tick).
  std::int64_t checked_until_persisted = 0;

 private:
  bool built_ = false;
  ByKey<Subscriptions> searches_;
  ByKey<Subscriptions> territories_;
  ByKey<Subscriptions> following_;
  ByKey<std::vector<std::string>> pending_;
  ByKey<wire::RequestState> request_states_;
  struct EscalationTerms {
    std::int64_t waiting_since = 0;
    std::uint32_t escalate_after_s = 0;
    std::int64_t floor = 0;  // set when the terms changed after the request was entered
  };
  ByKey<EscalationTerms> escalation_;
  ByKey<TerritoryFree> free_;
  std::int64_t free_reference_ms_ = 0;
  ByKey<FacilityCandidates> candidates_;
};

// "S-12" -> 12; 0 for anything else.
std::uint64_t subscription_number(std::string_view id);

}  // namespace dispo::broker
