// Result<T>: a value or an Error a person can read. Errors are values inside dispo;
// exceptions only at the edges (CONVENTIONS.md §3). Not thread-safe; plain value type.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "dispo/schemas/dispo_generated.h"

namespace dispo {

// An error with the wire status it maps to and a message for people.
struct Error {
  wire::Status status = wire::Status::invalid;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}    // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error make_error(wire::Status status, std::string message) {
  return Error{status, std::move(message)};
}

}  // namespace dispo
