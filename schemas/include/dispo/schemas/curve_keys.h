// CURVE key pairs and the key files that carry them (DESIGN.md §5: encryption and identity).
//
// A key file is a small TOML file:
//   # dispo CURVE key pair of "astreinte-59" — keep it secret (mode 600)
//   public-key = "<40 Z85 characters>"
//   secret-key = "<40 Z85 characters>"
// A public file (e.g. broker.pub, handed to every client) has only `public-key`.
// Pure functions apart from the file system; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "dispo/schemas/result.h"

namespace dispo::wire {

struct CurveKeyPair {
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters; empty in a public file

  bool empty() const { return public_key.empty(); }
};

// A fresh key pair from libzmq's CSPRNG.
CurveKeyPair generate_key_pair();

// True for 40 characters of the Z85 alphabet that decode to a 32-byte key.
bool is_z85_key(std::string_view text);

// Reads a key file. With `need_secret`, the file must hold a secret key and must not be readable
// by group or others. Errors (French, naming the file): missing, unreadable, malformed key,
// world-readable secret.
Result<CurveKeyPair> read_key_file(const std::filesystem::path& path, bool need_secret);

// Writes the key pair (secret included when present) with mode 600, refusing to overwrite.
// `owner` goes in the comment line.
Result<void> write_key_file(const std::filesystem::path& path, const CurveKeyPair& keys,
                            std::string_view owner);

// A 32-byte binary key (as ZAP hands it over) in Z85.
std::string z85_of_binary_key(const void* key32);

}  // namespace dispo::wire
