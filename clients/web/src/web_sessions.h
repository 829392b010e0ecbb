// WebSessions: the signed-in people of dispo-web. A session is a random opaque token (the
// `dispo_session` cookie) mapped to the person's principal (name, role, scope), with its CSRF
// token; it ends on logout, after `idle` without a request, after `absolute` in any case, and
// when the person is revoked (end_person). Nothing is written to disk: a restarted gateway signs
// everyone out. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dispo/schemas/wire.h"

namespace dispo::web {

// Who a session (or a stream) acts for.
struct Person {
  std::string name;
  wire::Role role = wire::Role::on_call;
  std::vector<std::string> departements;
  std::vector<std::string> facilities;
};

Person person_of(const wire::PrincipalT& principal);

struct SessionRecord {
  std::string token;
  std::string csrf_token;
  Person person;
  std::chrono::steady_clock::time_point created;
  std::chrono::steady_clock::time_point last_used;
};

class WebSessions {
 public:
  using Clock = std::chrono::steady_clock;
  WebSessions(std::chrono::seconds idle, std::chrono::seconds absolute) : idle_(idle), absolute_(absolute) {}

  // A new session for `person`; returns its record (token and CSRF token).
  SessionRecord open(Person person);

  // The live session of `token`, touched (its idle time restarts); nothing when unknown, idle or
  // too old (it is then forgotten).
  std::optional<SessionRecord> use(const std::string& token);

  void close(const std::string& token);

  // Ends every session of `name` (revoked); returns how many.
  std::size_t end_person(const std::string& name);

  // Replaces the role and scope of `name`'s sessions (the principal changed).
  void update_person(const Person& person);

  std::size_t size() const;

 private:
  void forget_expired(Clock::time_point now);

  mutable std::mutex mutex_;
  std::chrono::seconds idle_;
  std::chrono::seconds absolute_;
  std::map<std::string, SessionRecord> by_token_;
  Clock::time_point last_sweep_{};
};

// Failed sign-ins per account and per address in a sliding window: past `limit` failures within
// `window`, further attempts are refused until the oldest failure leaves the window. Thread-safe.
class LoginLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  LoginLimiter(std::size_t account_limit, std::size_t address_limit, std::chrono::seconds window)
      : account_limit_(account_limit), address_limit_(address_limit), window_(window) {}

  // When the account or the address is blocked: how long until the next attempt is allowed.
  std::optional<std::chrono::seconds> blocked(const std::string& account, const std::string& address);
  void failed(const std::string& account, const std::string& address);
  void succeeded(const std::string& account);

 private:
  using Failures = std::vector<Clock::time_point>;
  std::optional<std::chrono::seconds> wait_for(Failures& failures, std::size_t limit, Clock::time_point now);

  std::mutex mutex_;
  std::size_t account_limit_;
  std::size_t address_limit_;
  std::chrono::seconds window_;
  std::map<std::string, Failures> by_account_;
  std::map<std::string, Failures> by_address_;
};

}  // namespace dispo::web
