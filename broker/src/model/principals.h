// Principals: who may connect (a CURVE public key) and what it may do (its role and scope).
// Kept in memory by the event loop, rebuilt from RocksDB on start (DESIGN.md §5).
// When CURVE is off (loopback only), every request comes from local(): an admin.
// Owned by the event loop thread: not thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/wire.h"

namespace dispo::broker {

class Principals {
 public:
  // The principal of every request when the broker runs without CURVE.
  static const wire::PrincipalT& local();

  // Inserts or replaces the principal of this name.
  void put(wire::PrincipalT principal);

  // nullptr when unknown. A revoked principal is still returned: callers check `revoked`.
  const wire::PrincipalT* by_key(std::string_view public_key) const;
  const wire::PrincipalT* by_name(std::string_view name) const;

  const std::map<std::string, wire::PrincipalT, std::less<>>& all() const { return by_name_; }
  std::size_t active_admins() const;

 private:
  std::map<std::string, wire::PrincipalT, std::less<>> by_name_;
  std::map<std::string, std::string, std::less<>> name_by_key_;
};

// French name of a role, for messages ("astreinte", "juge", …).
const char* role_name(wire::Role role);

}  // namespace dispo::broker
