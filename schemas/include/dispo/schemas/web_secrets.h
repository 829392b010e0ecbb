// Secrets of web accounts (issue #13), shared by the broker (checks) and its clients (makes):
// argon2id password hashes (libsodium crypto_pwhash_str, interactive limits) and one-time
// enrolment codes, kept only as a BLAKE2b hash (a code is random, 80 bits: no slow hash needed).
// Thread-safe; the first call initialises libsodium.
#pragma once

#include <string>
#include <string_view>

#include "dispo/schemas/result.h"

namespace dispo::wire {

inline constexpr std::size_t kMinPasswordLength = 12;   // characters (UTF-8 code points)
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// A new enrolment code, 16 letters and digits in four groups ("K7PQ-3MXD-…"), no look-alikes.
std::string new_enrolment_code();

// The hash kept for `code` (64 hex digits). Case and dashes of the typed code do not matter.
std::string enrolment_code_hash(std::string_view code);

// Constant-time comparison of two hashes of equal length (false when the lengths differ).
bool same_secret(std::string_view left, std::string_view right);

// argon2id hash of `password`; `invalid` with a French message when it is too short or too long.
Result<std::string> hash_password(std::string_view password);

// Does `password` match `hash` (crypto_pwhash_str_verify)? False for an empty or malformed hash.
bool verify_password(std::string_view hash, std::string_view password);

// A random token of `bytes` bytes, URL-safe base64 without padding (sessions, CSRF).
std::string random_token(std::size_t bytes = 32);

}  // namespace dispo::wire
