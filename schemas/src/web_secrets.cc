#include "dispo/schemas/web_secrets.h"

#include <cctype>
#include <mutex>

#include <sodium.h>

namespace dispo::wire {
namespace {

void initialise() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no randomness: nothing safe can be done
  });
}

constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // no I L O 0 1

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

}  // namespace

std::string new_enrolment_code() {
  initialise();
  std::string code;
  for (int i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) code += '-';
    code += kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))];
  }
  return code;
}

std::string enrolment_code_hash(std::string_view code) {
  initialise();
  std::string normal;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    normal += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(normal.data()), normal.size(),
                     nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 64);
}

bool same_secret(std::string_view left, std::string_view right) {
  initialise();
  return left.size() == right.size() && sodium_memcmp(left.data(), right.data(), left.size()) == 0;
}

Result<std::string> hash_password(std::string_view password) {
  initialise();
  if (code_points(password) < kMinPasswordLength) {
    return make_error(Status::invalid, "mot de passe trop court : au moins " + std::to_string(kMinPasswordLength) +
                                           " caractères");
  }
  if (password.size() > kMaxPasswordBytes) {
    return make_error(Status::invalid, "mot de passe trop long : au plus " + std::to_string(kMaxPasswordBytes) +
                                           " octets");
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return make_error(Status::unavailable, "mémoire insuffisante pour chiffrer le mot de passe : réessayez");
  }
  return std::string(hash);
}

bool verify_password(std::string_view hash, std::string_view password) {
  initialise();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPasswordBytes) return false;
  const std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  initialise();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string encoded(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

}  // namespace dispo::wire
