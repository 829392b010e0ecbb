// Web accounts (issue #13): people who sign in to dispo-web. A web account is a principal with
// `web` set and a password hash; the gateway (a principal of role `gateway`) checks passwords
// here and then sends each request of a signed-in person with Request.on_behalf_of, which the
// dispatcher authorises as that person (acting_principal). Secrets stay in the broker: events,
// the feed and replies carry principals through without_secrets().
// Owned by the event loop thread, except the LogRead answer_web_login returns (thread-safe).
#pragma once

#include <cstdint>
#include <string>

#include "state/broker_state.h"
#include "changes.h"
#include "dispo/schemas/result.h"
#include "storage/log_read.h"

namespace dispo::broker {

inline constexpr std::int64_t kEnrolmentValidityMs = 72LL * 3600 * 1000;

// The principal a request acts as: `sender` itself, or the person it names in on_behalf_of when
// `sender` is a gateway (or the local admin of a broker without CURVE). Refused (forbidden) for
// anyone else, an unknown or revoked person, or a person who is not a web account.
Result<const wire::PrincipalT*> acting_principal(const BrokerState& state, const wire::PrincipalT& sender,
                                                 const wire::Request& request);

// `principal` without its password hash and enrolment code hash.
wire::PrincipalT without_secrets(wire::PrincipalT principal);

// WebLogin: the password is checked off the event loop (argon2id costs tens of milliseconds),
// so the answer is a LogRead. Every failure gets the same French refusal (forbidden).
Answer answer_web_login(const BrokerState& state, std::uint64_t request_id, const wire::WebLogin& login);

// WebEnrol: spends the code (once, before enrolment_until) and keeps the password hash.
Result<Applied> enrol_web_account(BrokerState& state, PendingCommit& pending, const wire::WebEnrol& enrol,
                                  const RequestContext& context);

// WebAccountReset: web = true, a new code hash valid 72 h, the password forgotten.
Result<Applied> reset_web_account(BrokerState& state, PendingCommit& pending, const wire::WebAccountReset& reset,
                                  const RequestContext& context);

}  // namespace dispo::broker
