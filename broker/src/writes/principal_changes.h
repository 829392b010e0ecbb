// Principal administration requests (admin only; the dispatcher authorises first).
// Grant and revoke validate everything, then update the registry, stage the durable write and a
// PrincipalChanged event on the "admin" territory, and return its sequence; on error nothing is
// applied or staged.
#pragma once

#include <cstdint>
#include <string>

#include "state/broker_state.h"
#include "dispo/schemas/result.h"

namespace dispo::broker {

Result<std::uint64_t> grant_principal(BrokerState& state, PendingCommit& pending,
                                      const wire::PrincipalGrant& grant, const RequestContext& context);

// The last active admin cannot be revoked (nobody could administer the broker any more).
Result<std::uint64_t> revoke_principal(BrokerState& state, PendingCommit& pending,
                                       const wire::PrincipalRevoke& revoke, const RequestContext& context);

// Stages `principal` (changed_at/by set here): the durable record, with its secrets, and a
// PrincipalChanged event on "admin", without them. Returns the event's sequence.
std::uint64_t stage_principal_change(BrokerState& state, PendingCommit& pending, const RequestContext& context,
                                     wire::PrincipalT principal);

std::string answer_principal_list(const BrokerState& state, std::uint64_t request_id);

// Checks a principal as granted (name, key, role and scope); used by grant and `dispo-broker init`.
Result<void> check_principal(const wire::PrincipalT& principal);

}  // namespace dispo::broker
