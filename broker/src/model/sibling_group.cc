#include "sibling_group.h"

#include <algorithm>

namespace dispo::broker {
namespace {

std::string place_of(const wire::ChildPlacementT& placement) {
  return placement.facility_id + "/" + placement.unit_id;
}

}  // namespace

void ensure_placements(wire::PlacementRequestT& request, const Workflow::ById<wire::HoldT>& holds) {
  const std::size_t children = request.criteria ? request.criteria->children.size() : 0;
  if (request.placements.size() == children) return;
  request.placements.clear();
  const auto active = holds.find(request.hold_id);
  const auto slash = request.admitted_at.find('/');
  for (std::size_t i = 0; i < children; ++i) {
    auto placement = std::make_unique<wire::ChildPlacementT>();
    if (request.state == wire::RequestState::admitted) {
      placement->state = wire::ChildState::admitted;
      placement->facility_id = request.admitted_at.substr(0, slash);
      if (slash != std::string::npos) placement->unit_id = request.admitted_at.substr(slash + 1);
      placement->admitted_at = request.changed_at;
    } else if (request.state == wire::RequestState::proposed && active != holds.end()) {
      placement->state = wire::ChildState::held;
      placement->hold_id = active->second.id;
      placement->facility_id = active->second.facility_id;
      placement->unit_id = active->second.unit_id;
    }
    request.placements.push_back(std::move(placement));
  }
  if (is_pending(request)) {
    request.children_waiting = static_cast<std::uint8_t>(
        std::count_if(request.placements.begin(), request.placements.end(),
                      [](const auto& p) { return p->state != wire::ChildState::admitted; }));
  }
}

std::vector<std::uint8_t> uncovered_children(const wire::PlacementRequestT& request) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < request.placements.size(); ++i) {
    if (request.placements[i]->state == wire::ChildState::waiting) out.push_back(static_cast<std::uint8_t>(i));
  }
  return out;
}

std::vector<std::uint8_t> children_of_hold(const wire::PlacementRequestT& request, const wire::HoldT& hold) {
  if (!hold.children.empty()) return hold.children;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < request.placements.size(); ++i) {
    if (request.placements[i]->hold_id == hold.id && request.placements[i]->state == wire::ChildState::held) {
      out.push_back(static_cast<std::uint8_t>(i));
    }
  }
  return out;
}

std::uint16_t places_of(const wire::HoldT& hold) {
  return hold.children.empty() ? 1 : static_cast<std::uint16_t>(hold.children.size());
}

std::vector<std::string> other_units(const wire::PlacementRequestT& request, std::string_view facility_id,
                                     std::string_view unit_id) {
  std::vector<std::string> out;
  for (const auto& placement : request.placements) {
    if (placement->state == wire::ChildState::waiting) continue;
    if (placement->facility_id == facility_id && placement->unit_id == unit_id) continue;
    const std::string place = place_of(*placement);
    if (std::find(out.begin(), out.end(), place) == out.end()) out.push_back(place);
  }
  return out;
}

int children_in_unit(const wire::PlacementRequestT& request, std::string_view facility_id, std::string_view unit_id) {
  return static_cast<int>(std::count_if(request.placements.begin(), request.placements.end(), [&](const auto& p) {
    return p->state != wire::ChildState::waiting && p->facility_id == facility_id && p->unit_id == unit_id;
  }));
}

void mark_children(wire::PlacementRequestT& request, const std::vector<std::uint8_t>& children,
                   const wire::HoldT& hold, wire::ChildState state, std::int64_t now_ms) {
  for (std::uint8_t child : children) {
    if (child >= request.placements.size()) continue;
    wire::ChildPlacementT& placement = *request.placements[child];
    placement = wire::ChildPlacementT();
    placement.state = state;
    if (state == wire::ChildState::waiting) continue;
    placement.hold_id = hold.id;
    placement.facility_id = hold.facility_id;
    placement.unit_id = hold.unit_id;
    if (state == wire::ChildState::admitted) placement.admitted_at = now_ms;
  }
}

bool settle_request(wire::PlacementRequestT& request) {
  int admitted = 0;
  std::string first_hold;
  std::vector<std::string> places;
  for (const auto& placement : request.placements) {
    if (placement->state == wire::ChildState::admitted) {
      ++admitted;
      const std::string place = place_of(*placement);
      if (std::find(places.begin(), places.end(), place) == places.end()) places.push_back(place);
    } else if (placement->state == wire::ChildState::held && first_hold.empty()) {
      first_hold = placement->hold_id;
    }
  }
  const int total = static_cast<int>(request.placements.size());
  request.children_waiting = static_cast<std::uint8_t>(total - admitted);
  if (total > 0 && admitted == total) {
    request.state = wire::RequestState::admitted;
    request.hold_id.clear();
    request.admitted_at.clear();
    for (const auto& place : places) request.admitted_at += (request.admitted_at.empty() ? "" : ", ") + place;
    return true;
  }
  request.hold_id = first_hold;
  request.state = first_hold.empty() ? wire::RequestState::open : wire::RequestState::proposed;
  return false;
}

std::uint32_t waiting_children(const wire::PlacementRequestT& request) {
  if (!is_pending(request)) return 0;
  const std::size_t children = request.criteria ? request.criteria->children.size() : 0;
  if (request.placements.size() != children) return static_cast<std::uint32_t>(children);
  return static_cast<std::uint32_t>(std::count_if(request.placements.begin(), request.placements.end(), [](const auto& p) {
    return p->state != wire::ChildState::admitted;
  }));
}

namespace {

std::uint32_t admitted_children(const wire::PlacementRequestT& request) {
  const std::size_t children = request.criteria ? request.criteria->children.size() : 0;
  if (request.placements.size() != children) {
    return request.state == wire::RequestState::admitted ? static_cast<std::uint32_t>(children) : 0;
  }
  return static_cast<std::uint32_t>(std::count_if(request.placements.begin(), request.placements.end(), [](const auto& p) {
    return p->state == wire::ChildState::admitted;
  }));
}

}  // namespace

std::uint32_t newly_admitted_children(const wire::PlacementRequestT* before, const wire::PlacementRequestT& now) {
  const std::uint32_t was = before ? admitted_children(*before) : 0;
  const std::uint32_t is = admitted_children(now);
  return is > was ? is - was : 0;
}

std::string children_words(const std::vector<std::uint8_t>& children) {
  std::string out = children.size() > 1 ? "enfants " : "enfant ";
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i > 0) out += i + 1 == children.size() ? " et " : ", ";
    out += std::to_string(children[i] + 1);
  }
  return out;
}

}  // namespace dispo::broker
