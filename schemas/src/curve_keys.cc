#include "dispo/schemas/curve_keys.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <optional>

#include <zmq.h>

namespace dispo::wire {
namespace {

// The value of `key = "value"` lines (comments and blank lines skipped); no other TOML is needed.
std::optional<std::map<std::string, std::string>> parse_key_lines(std::istream& in) {
  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto equals = line.find('=');
    const auto open = line.find('"', equals == std::string::npos ? 0 : equals);
    const auto close = open == std::string::npos ? open : line.find('"', open + 1);
    if (equals == std::string::npos || close == std::string::npos) return std::nullopt;
    std::string key = line.substr(first, equals - first);
    key.erase(key.find_last_not_of(" \t") + 1);
    values[key] = line.substr(open + 1, close - open - 1);
  }
  return values;
}

}  // namespace

CurveKeyPair generate_key_pair() {
  char public_key[41] = {};
  char secret_key[41] = {};
  if (zmq_curve_keypair(public_key, secret_key) != 0) return {};  // libzmq without CURVE
  return {public_key, secret_key};
}

bool is_z85_key(std::string_view text) {
  if (text.size() != 40) return false;
  std::uint8_t binary[32];
  const std::string copy(text);
  return zmq_z85_decode(binary, copy.c_str()) != nullptr;
}

std::string z85_of_binary_key(const void* key32) {
  char text[41] = {};
  zmq_z85_encode(text, static_cast<const std::uint8_t*>(key32), 32);
  return text;
}

Result<CurveKeyPair> read_key_file(const std::filesystem::path& path, bool need_secret) {
  const std::string name = path.string();
  struct stat info {};
  if (::stat(name.c_str(), &info) != 0) {
    return make_error(Status::invalid, "fichier de clé " + name + " introuvable");
  }
  std::ifstream in(path);
  auto values = in ? parse_key_lines(in) : std::nullopt;
  if (!values) {
    return make_error(Status::invalid, "fichier de clé " + name +
                                           " illisible (attendu : public-key = \"…\")");
  }
  CurveKeyPair keys;
  keys.public_key = (*values)["public-key"];
  keys.secret_key = (*values)["secret-key"];
  if (!is_z85_key(keys.public_key)) {
    return make_error(Status::invalid,
                      "fichier de clé " + name + " : « public-key » absente ou invalide (40 caractères Z85)");
  }
  if (!keys.secret_key.empty() && !is_z85_key(keys.secret_key)) {
    return make_error(Status::invalid, "fichier de clé " + name + " : « secret-key » invalide");
  }
  if (need_secret) {
    if (keys.secret_key.empty()) {
      return make_error(Status::invalid, "fichier de clé " + name +
                                             " : pas de « secret-key » (c'est un fichier public ?)");
    }
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(info.st_mode & 0777));
      return make_error(Status::invalid, "la clé secrète " + name + " est lisible par d'autres (mode " +
                                             mode + ") : chmod 600 " + name);
    }
  }
  return keys;
}

Result<void> write_key_file(const std::filesystem::path& path, const CurveKeyPair& keys,
                            std::string_view owner) {
  const std::string name = path.string();
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored)) {
    return make_error(Status::invalid, name + " existe déjà : rien n'a été écrasé");
  }
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ignored);
  const mode_t previous = ::umask(077);
  std::ofstream out(path);
  ::umask(previous);
  if (!out) return make_error(Status::invalid, "impossible d'écrire " + name);
  const bool secret = !keys.secret_key.empty();
  out << "# dispo CURVE " << (secret ? "key pair" : "public key") << " of \"" << owner << "\""
      << (secret ? " -- keep it secret (mode 600)" : "") << "\n"
      << "public-key = \"" << keys.public_key << "\"\n";
  if (secret) out << "secret-key = \"" << keys.secret_key << "\"\n";
  out.close();
  if (!out) return make_error(Status::invalid, "impossible d'écrire " + name);
  std::filesystem::permissions(path, secret ? std::filesystem::perms::owner_read | std::filesystem::perms::owner_write
                                            : std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                                  std::filesystem::perms::group_read | std::filesystem::perms::others_read,
                               ignored);
  return {};
}

}  // namespace dispo::wire
