#include "static_files.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace dispo::web {
namespace {

HttpResponse not_found() {
  return error_response(404, "unknown", "page introuvable");
}

bool safe_segment(std::string_view segment) {
  return !segment.empty() && segment.front() != '.' && segment.find('\\') == std::string_view::npos &&
         segment.find('\0') == std::string_view::npos;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) {
  std::error_code error;
  if (!root.empty()) root_ = std::filesystem::canonical(root, error);
  if (error) root_.clear();
}

std::optional<std::filesystem::path> StaticFiles::resolve(std::string_view path) const {
  if (root_.empty() || path.empty() || path.front() != '/') return std::nullopt;
  std::filesystem::path relative;
  std::string_view rest = path.substr(1);
  if (rest.empty()) rest = "index.html";
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (!safe_segment(segment)) return std::nullopt;
    relative /= std::string(segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
    if (rest.empty()) relative /= "index.html";
  }
  std::error_code error;
  const auto file = std::filesystem::canonical(root_ / relative, error);
  if (error || !std::filesystem::is_regular_file(file, error)) return std::nullopt;
  // Symbolic links are followed by canonical(): the result must still lie inside the root.
  const auto [root_end, file_it] = std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
  if (root_end != root_.end()) return std::nullopt;
  return file;
}

HttpResponse StaticFiles::serve(std::string_view path) const {
  const auto file = resolve(path);
  if (!file) return not_found();
  std::ifstream in(*file, std::ios::binary);
  if (!in) return not_found();
  HttpResponse response;
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.content_type = content_type_for(*file);
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

std::string content_type_for(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".json") return "application/json; charset=utf-8";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".woff2") return "font/woff2";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  if (extension == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

}  // namespace dispo::web
