#include "broker_state.h"

#include <algorithm>

namespace dispo::broker {

Result<void> load_bookkeeping(const Store& store, BrokerState& state) {
  auto sequence = store.last_sequence();
  if (!sequence) return sequence.error();
  state.sequence = *sequence;
  if (auto principals = store.load_principals(state.principals); !principals) return principals.error();
  auto territories = store.territory_sequences();
  if (!territories) return territories.error();
  state.territory_sequence = std::move(*territories);
  if (auto workflow = store.load_workflow(state.workflow); !workflow) return workflow.error();
  state.alert_matcher.invalidate();
  return {};
}

void PendingCommit::seal(const BrokerState& state) {
  if (events.empty()) return;
  batch.set_last_sequence(state.sequence);
  std::vector<std::string_view> written;  // a batch's events are on a few territories
  for (const StagedEvent& event : events) {
    if (std::find(written.begin(), written.end(), event.territory) != written.end()) continue;
    written.push_back(event.territory);
    if (auto last = state.territory_sequence.find(event.territory); last != state.territory_sequence.end())
      batch.set_territory_sequence(event.territory, last->second);
  }
}

}  // namespace dispo::broker
