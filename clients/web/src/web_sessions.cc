#include "web_sessions.h"

#include <algorithm>

#include "dispo/schemas/web_secrets.h"

namespace dispo::web {

Person person_of(const wire::PrincipalT& principal) {
  return Person{principal.name, principal.role, principal.departements, principal.facilities};
}

SessionRecord WebSessions::open(Person person) {
  const auto now = Clock::now();
  SessionRecord record{wire::random_token(32), wire::random_token(32), std::move(person), now, now};
  std::lock_guard lock(mutex_);
  forget_expired(now);
  by_token_[record.token] = record;
  return record;
}

std::optional<SessionRecord> WebSessions::use(const std::string& token) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  forget_expired(now);
  auto found = by_token_.find(token);
  if (found == by_token_.end()) return std::nullopt;
  SessionRecord& record = found->second;
  if (now - record.last_used > idle_ || now - record.created > absolute_) {
    by_token_.erase(found);
    return std::nullopt;
  }
  record.last_used = now;
  return record;
}

void WebSessions::close(const std::string& token) {
  std::lock_guard lock(mutex_);
  by_token_.erase(token);
}

std::size_t WebSessions::end_person(const std::string& name) {
  std::lock_guard lock(mutex_);
  return std::erase_if(by_token_, [&](const auto& entry) { return entry.second.person.name == name; });
}

void WebSessions::update_person(const Person& person) {
  std::lock_guard lock(mutex_);
  for (auto& [token, record] : by_token_) {
    if (record.person.name == person.name) record.person = person;
  }
}

std::size_t WebSessions::size() const {
  std::lock_guard lock(mutex_);
  return by_token_.size();
}

void WebSessions::forget_expired(Clock::time_point now) {
  if (now - last_sweep_ < std::chrono::minutes(1)) return;
  last_sweep_ = now;
  std::erase_if(by_token_, [&](const auto& entry) {
    return now - entry.second.last_used > idle_ || now - entry.second.created > absolute_;
  });
}

std::optional<std::chrono::seconds> LoginLimiter::wait_for(Failures& failures, std::size_t limit,
                                                           Clock::time_point now) {
  std::erase_if(failures, [&](Clock::time_point at) { return now - at >= window_; });
  if (failures.size() < limit) return std::nullopt;
  const auto oldest = *std::min_element(failures.begin(), failures.end());
  return std::chrono::ceil<std::chrono::seconds>(oldest + window_ - now);
}

std::optional<std::chrono::seconds> LoginLimiter::blocked(const std::string& account, const std::string& address) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  auto by_account = wait_for(by_account_[account], account_limit_, now);
  auto by_address = wait_for(by_address_[address], address_limit_, now);
  if (by_account && by_address) return std::max(*by_account, *by_address);
  return by_account ? by_account : by_address;
}

void LoginLimiter::failed(const std::string& account, const std::string& address) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  by_account_[account].push_back(now);
  by_address_[address].push_back(now);
  if (by_account_.size() > 100'000) by_account_.clear();  // bounded, even under a spray of names
  if (by_address_.size() > 100'000) by_address_.clear();
}

void LoginLimiter::succeeded(const std::string& account) {
  std::lock_guard lock(mutex_);
  by_account_.erase(account);
}

}  // namespace dispo::web
