// Queries: the read requests, answered from the in-memory index. Each returns the encoded
// Reply. Pure functions of the state; thread-safe while the state is not modified.
#pragma once

#include <cstdint>
#include <string>

#include "state/broker_state.h"

namespace dispo::broker {

// Limited to the territories the principal reads.
std::string answer_search(const BrokerState& state, std::uint64_t request_id,
                          const wire::SearchQuery& query, const RequestContext& context);

// Full state (optionally of one département) at the current sequence, for late joiners, limited
// to the territories the principal reads, with each territory's last event sequence.
std::string answer_snapshot(const BrokerState& state, std::uint64_t request_id,
                            const wire::SnapshotRequest& request, const RequestContext& context);

std::string answer_facility(const BrokerState& state, std::uint64_t request_id,
                            const wire::FacilityRequest& request);

}  // namespace dispo::broker
