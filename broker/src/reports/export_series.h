// Export series: per day (UTC) and facility kind, supply and unmet demand of the chosen
// départements, rebuilt from the event log in one pass (issue #3, "dispo export").
//
// Each row describes the end of its day (the last event before the next UTC midnight; staleness
// judged at 23:59:59.999, or now for the current day): installed, free, reserved and stale places
// of authorised facilities, as in capacity.h summed over every unit (no age bands). One row per
// kind with installed places at the end of the day (a day with none has one mecs row). Demand
// is not split by kind: it is on the FIRST row of each day (0 on the others): requests pending
// at the end of the day, opened during the day (first event of the request), admitted during
// the day (state became admitted). Days run from `from` to `to` inclusive, at most
// kMaxExportDays, and stop at the current day. Reads the store: any thread.
#pragma once

#include <cstdint>
#include <string>

#include "state/broker_state.h"
#include "storage/log_read.h"
#include "storage/store.h"

namespace dispo::broker {

inline constexpr int kMaxExportDays = 366;

struct ExportScope {
  std::string from;                        // "YYYY-MM-DD"
  std::string to;                          // "YYYY-MM-DD"
  std::vector<std::string> departements;   // empty = every one
  std::int64_t now_ms = 0;
  std::int64_t stale_after_ms = 0;
};

// Errors: invalid (a date that is not YYYY-MM-DD, from after to, more than kMaxExportDays days),
// storage_error / malformed from the log.
Result<wire::ExportResultT> export_series(const Store& store, const ExportScope& scope);

// Answers an ExportRequest with a LogRead (refusals at once: a territory-less principal).
Answer answer_export(const BrokerState& state, std::uint64_t request_id, const wire::ExportRequest& request,
                     const RequestContext& context);

}  // namespace dispo::broker
