// Answers that read the event log (capacity --at, the written record, the export) cost O(log):
// the event loop prepares them — checks, scope, what it needs from the in-memory state — and
// hands back a LogRead, which touches only the store and what it captured, so the broker can run
// it on its log-reader thread while the loop keeps answering (log_reader.h).
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "store.h"

namespace dispo::broker {

// Produces the encoded reply from the store's committed event log. Thread-safe to run off the
// event loop: it must capture values, never references into BrokerState.
using LogRead = std::function<std::string(const Store&)>;

// A reply now (refusals, answers from memory), or a LogRead that will produce it.
using Answer = std::variant<std::string, LogRead>;

}  // namespace dispo::broker
