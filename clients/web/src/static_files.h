// StaticFiles: the web app's files from one asset folder (`--assets DIR`). A path that could
// leave the folder — "..", a hidden segment, a backslash, a NUL, or a symbolic link pointing
// outside — is refused (404, the same as a missing file), never read. "/" serves index.html.
// Files are read on each request (small; the OS caches them). Thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http_message.h"

namespace dispo::web {

class StaticFiles {
 public:
  // An empty `root` serves nothing (every path is 404).
  explicit StaticFiles(std::filesystem::path root);

  HttpResponse serve(std::string_view decoded_path) const;

  // The file `decoded_path` names inside the root, or nothing when refused or absent.
  std::optional<std::filesystem::path> resolve(std::string_view decoded_path) const;

 private:
  std::filesystem::path root_;  // canonical
};

// "text/html; charset=utf-8" for ".html", …; "application/octet-stream" when unknown.
std::string content_type_for(const std::filesystem::path& file);

}  // namespace dispo::web
