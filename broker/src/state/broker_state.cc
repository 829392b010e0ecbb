#include "broker_state.h"

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

}  // namespace dispo::broker
