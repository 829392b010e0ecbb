// Delivering an Outbox: its entries go to the broker one at a time, oldest first, each waiting
// for the broker's answer, so that a later update of a unit is never applied before an earlier
// one. An entry leaves the outbox only once the broker acknowledged it, or refused it for good
// (then it is set aside in rejected/ and reported); when the broker does not answer (or answers
// `unavailable` / `storage_error`), delivery stops and the rest stays for later.
// Not thread-safe (like Outbox and Session).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "dispo/clients/session.h"
#include "dispo/publishers/outbox.h"

namespace dispo::publishers {

struct DeliveryReport {
  std::size_t delivered = 0;      // acknowledged by the broker
  std::size_t rejected = 0;       // refused for good (set aside, or reported by the caller)
  std::optional<Error> stopped;   // why entries remain: broker unreachable, or the disk failed
};

// Told of every entry that leaves the outbox: its broker sequence, or the broker's refusal.
using SettledHook = std::function<void(const Outbox::Entry& entry, const Result<std::uint64_t>& outcome)>;

// Delivers `outbox` through `session` until it is empty or delivery must stop (see above).
// A refused entry whose request id is `reported_by_caller` is not set aside: the caller, who
// just sent it, reports the refusal to the person itself.
DeliveryReport deliver_outbox(Outbox& outbox, client::Session& session, const SettledHook& on_settled,
                              std::uint64_t reported_by_caller = 0);

// Whether a broker error means "try again later" (the entry stays) rather than a refusal.
bool is_transient(const Error& error);

}  // namespace dispo::publishers
