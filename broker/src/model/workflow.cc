#include "workflow.h"

namespace dispo::broker {

const wire::PlacementRequestT* Workflow::request(std::string_view id) const {
  auto found = requests.find(id);
  return found == requests.end() ? nullptr : &found->second;
}

wire::PlacementRequestT* Workflow::request(std::string_view id) {
  auto found = requests.find(id);
  return found == requests.end() ? nullptr : &found->second;
}

void Workflow::clear() { *this = Workflow(); }

bool is_court_ordered(const wire::PlacementRequestT& request) {
  return request.origin == wire::Origin::court || request.legal_basis == wire::LegalBasis::opp ||
         request.legal_basis == wire::LegalBasis::judgment_375;
}

bool is_pending(const wire::PlacementRequestT& request) {
  return request.state == wire::RequestState::open || request.state == wire::RequestState::proposed;
}

}  // namespace dispo::broker
