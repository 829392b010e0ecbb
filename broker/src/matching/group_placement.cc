#include "group_placement.h"

#include <algorithm>

namespace dispo::broker {
namespace {

// Beyond these, the fewest-units search stops and keeps the best assignment found so far
// (which always places the most children possible).
constexpr int kExactSearchMaxChildren = 16;
constexpr long kSearchNodeBudget = 20'000;

ChildSet whole(int child_count) {
  return child_count >= kMaxGroupChildren ? ~ChildSet{0} : (ChildSet{1} << child_count) - 1;
}

int units_used(std::span<const int> assignment, std::size_t option_count) {
  std::vector<char> used(option_count, 0);
  int count = 0;
  for (int option : assignment) {
    if (option != kUnplaced && !used[option]) {
      used[option] = 1;
      ++count;
    }
  }
  return count;
}

}  // namespace

int GroupPlacement::place(std::span<const UnitOption> options, int child_count,
                          std::span<int> assignment) {
  options_ = options;
  child_count_ = std::min(child_count, kMaxGroupChildren);
  std::fill_n(assignment.begin(), child_count, kUnplaced);
  if (child_count_ == 0) return 0;
  if (const int option = whole_group_option(); option != kUnplaced) {
    std::fill_n(assignment.begin(), child_count_, option);
    return child_count_;
  }
  const int placed = place_most(assignment);
  if (placed >= 2 && child_count_ <= kExactSearchMaxChildren) use_fewest_units(placed, assignment);
  return placed;
}

bool GroupPlacement::admits(int option, int child) const {
  return (options_[option].admits >> child) & 1u;
}

int GroupPlacement::whole_group_option() const {
  const ChildSet group = whole(child_count_);
  int best = kUnplaced;
  for (int i = 0; i < static_cast<int>(options_.size()); ++i) {
    const UnitOption& option = options_[i];
    if (option.capacity < child_count_ || (option.admits & group) != group) continue;
    if (best == kUnplaced || option.confirmed_at > options_[best].confirmed_at) best = i;
  }
  return best;
}

// Maximum bipartite b-matching by augmenting paths (children on one side, units with their
// capacity on the other): places the most children possible.
int GroupPlacement::place_most(std::span<int> assignment) {
  load_.assign(options_.size(), 0);
  int placed = 0;
  for (int child = 0; child < child_count_; ++child) {
    visited_.assign(options_.size(), 0);
    if (augment(child, assignment)) ++placed;
  }
  return placed;
}

bool GroupPlacement::augment(int child, std::span<int> assignment) {
  for (int option = 0; option < static_cast<int>(options_.size()); ++option) {
    if (!admits(option, child) || visited_[option]) continue;
    visited_[option] = 1;
    if (load_[option] < options_[option].capacity) {
      assignment[child] = option;
      ++load_[option];
      return true;
    }
    for (int other = 0; other < child_count_; ++other) {
      if (assignment[other] == option && augment(other, assignment)) {
        assignment[child] = option;
        return true;
      }
    }
  }
  return false;
}

// Branch and bound over the children (most constrained first), starting from the maximum
// placement found by place_most(): same number of children placed, fewer units if possible.
void GroupPlacement::use_fewest_units(int placed, std::span<int> assignment) {
  const auto options = static_cast<int>(options_.size());
  best_.assign(assignment.begin(), assignment.begin() + child_count_);
  best_units_ = units_used(best_, options_.size());
  lower_bound_ = placed == child_count_ ? 2 : 1;
  if (best_units_ <= lower_bound_) return;

  std::vector<int> choices(child_count_, 0);
  for (int child = 0; child < child_count_; ++child) {
    for (int option = 0; option < options; ++option) choices[child] += admits(option, child);
  }
  order_.resize(child_count_);
  for (int child = 0; child < child_count_; ++child) order_[child] = child;
  std::stable_sort(order_.begin(), order_.end(),
                   [&](int a, int b) { return choices[a] < choices[b]; });

  current_.assign(child_count_, kUnplaced);
  load_.assign(options_.size(), 0);
  units_open_ = 0;
  skips_left_ = child_count_ - placed;
  nodes_ = 0;
  search_fewest_units(0);
  std::copy(best_.begin(), best_.end(), assignment.begin());
}

void GroupPlacement::search_fewest_units(int depth) {
  if (++nodes_ > kSearchNodeBudget || best_units_ <= lower_bound_) return;
  if (units_open_ >= best_units_) return;
  if (depth == child_count_) {
    best_ = current_;
    best_units_ = units_open_;
    return;
  }
  const int child = order_[depth];
  const auto options = static_cast<int>(options_.size());
  auto try_option = [&](int option) {
    const bool opens = load_[option] == 0;
    current_[child] = option;
    ++load_[option];
    units_open_ += opens;
    search_fewest_units(depth + 1);
    units_open_ -= opens;
    --load_[option];
    current_[child] = kUnplaced;
  };
  for (int option = 0; option < options; ++option) {
    if (admits(option, child) && load_[option] > 0 && load_[option] < options_[option].capacity) {
      try_option(option);
    }
  }
  if (units_open_ + 1 < best_units_) {
    for (int option = 0; option < options; ++option) {
      if (admits(option, child) && load_[option] == 0) try_option(option);
    }
  }
  if (skips_left_ > 0) {
    --skips_left_;
    search_fewest_units(depth + 1);
    ++skips_left_;
  }
}

}  // namespace dispo::broker
