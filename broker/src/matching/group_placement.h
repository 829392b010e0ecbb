// GroupPlacement: where the children of a sibling group go among the units of one facility.
// The caller describes each eligible unit as a UnitOption (how many children it takes together,
// which children it admits); place() answers which unit each child goes to.
// Keeps its scratch space between calls so that a search reuses it for every facility without
// allocating. Not thread-safe: one instance per search.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace dispo::broker {

// Bit i set: child i of the group. A group has at most kMaxGroupChildren children.
using ChildSet = std::uint64_t;
inline constexpr int kMaxGroupChildren = 64;
inline constexpr int kUnplaced = -1;

struct UnitOption {
  int capacity = 0;               // children taken together: min(available, max(1, max_siblings))
  ChildSet admits = 0;            // children whose age and sex the unit admits
  std::int64_t confirmed_at = 0;  // a fresher unit is preferred (0 = never confirmed)
};

class GroupPlacement {
 public:
  // Assigns each of the first `child_count` (<= kMaxGroupChildren) children to at most one
  // option so that as many children as possible are placed, then as few units as possible are
  // used (siblings kept together). One unit taking the whole group is always chosen when it
  // exists, the freshest if several can. assignment[i] receives the option index of child i or
  // kUnplaced (assignment.size() >= child_count). Returns the number of children placed.
  // The fewest-units search is exact for small groups and bounded in effort beyond.
  int place(std::span<const UnitOption> options, int child_count, std::span<int> assignment);

 private:
  int whole_group_option() const;
  int place_most(std::span<int> assignment);
  bool augment(int child, std::span<int> assignment);
  void use_fewest_units(int placed, std::span<int> assignment);
  void search_fewest_units(int depth);
  bool admits(int option, int child) const;

  std::span<const UnitOption> options_;
  int child_count_ = 0;
  std::vector<int> load_;      // children currently assigned to each option
  std::vector<char> visited_;  // per option, during one augmenting path
  std::vector<int> order_;     // children, most constrained first
  std::vector<int> current_;   // assignment being explored
  std::vector<int> best_;      // best assignment found
  int best_units_ = 0;
  int lower_bound_ = 0;
  int units_open_ = 0;
  int skips_left_ = 0;
  long nodes_ = 0;
};

}  // namespace dispo::broker
