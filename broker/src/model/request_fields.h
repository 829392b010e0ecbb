// The contract's text and count rules (dispo/schemas/text_rules.h) applied to every field of an
// inbound request, before it is authorised or applied (issue #11): valid UTF-8, no control
// characters, the lengths stated in dispo.fbs, identifiers and départements in their real formats,
// finite points, plausible counts. The domain checks (ages, authorisation, consistent counts, …)
// stay with the code that applies each request. Pure; thread-safe.
#pragma once

#include "dispo/schemas/result.h"
#include "dispo/schemas/wire.h"

namespace dispo::broker {

// Ok, or an `invalid` error naming the request, the field and the rule; the message cites a
// refused value only escaped and cut (wire::quoted), and never cites a child reference.
Result<void> check_request_fields(const wire::Request& request);

// The same rules on a search query alone (searches, saved searches, placement criteria).
Result<void> check_query_fields(const wire::SearchQuery& query);

}  // namespace dispo::broker
