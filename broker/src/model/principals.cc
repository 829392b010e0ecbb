#include "principals.h"

namespace dispo::broker {

const wire::PrincipalT& Principals::local() {
  static const wire::PrincipalT principal = [] {
    wire::PrincipalT local;
    local.name = "local";
    local.role = wire::Role::admin;
    return local;
  }();
  return principal;
}

void Principals::put(wire::PrincipalT principal) {
  if (auto previous = by_name_.find(principal.name); previous != by_name_.end()) {
    name_by_key_.erase(previous->second.public_key);
  }
  name_by_key_[principal.public_key] = principal.name;
  std::string name = principal.name;
  by_name_[name] = std::move(principal);
}

const wire::PrincipalT* Principals::by_key(std::string_view public_key) const {
  const auto name = name_by_key_.find(public_key);
  return name == name_by_key_.end() ? nullptr : by_name(name->second);
}

const wire::PrincipalT* Principals::by_name(std::string_view name) const {
  const auto found = by_name_.find(name);
  return found == by_name_.end() ? nullptr : &found->second;
}

std::size_t Principals::active_admins() const {
  std::size_t count = 0;
  for (const auto& [name, principal] : by_name_) {
    if (principal.role == wire::Role::admin && !principal.revoked) ++count;
  }
  return count;
}

const char* role_name(wire::Role role) {
  switch (role) {
    case wire::Role::facility: return "établissement";
    case wire::Role::on_call: return "astreinte";
    case wire::Role::hospital: return "hôpital";
    case wire::Role::judge: return "juge";
    case wire::Role::observatory: return "observatoire";
    case wire::Role::admin: return "administrateur";
    case wire::Role::gateway: return "passerelle web";
  }
  return "inconnu";
}

}  // namespace dispo::broker
