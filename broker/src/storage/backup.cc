#include "backup.h"

#include <filesystem>

#include "model/logger.h"
#include "model/replies.h"

namespace dispo::broker {
namespace {

Result<std::filesystem::path> backup_target(const wire::BackupRequest& backup, bool from_loopback) {
  if (!from_loopback) {
    return make_error(wire::Status::invalid,
                      "une sauvegarde ne peut être demandée que depuis la machine du broker "
                      "(connexion locale)");
  }
  const std::filesystem::path directory(backup.directory()->str());
  if (directory.empty() || !directory.is_absolute()) {
    return make_error(wire::Status::invalid, "répertoire de sauvegarde « " + directory.string() +
                                                 " » : donnez un chemin absolu");
  }
  std::error_code ec;
  if (std::filesystem::exists(directory, ec)) {
    return make_error(wire::Status::invalid,
                      "le répertoire de sauvegarde " + directory.string() +
                          " existe déjà : choisissez un répertoire nouveau (rien n'a été écrit)");
  }
  const auto parent = directory.parent_path();
  if (!std::filesystem::is_directory(parent, ec)) {
    return make_error(wire::Status::invalid,
                      "le répertoire parent " + parent.string() + " n'existe pas (rien n'a été écrit)");
  }
  return directory;
}

}  // namespace

std::string answer_backup(const Store& store, std::uint64_t committed_sequence,
                          const wire::Request& request, bool from_loopback) {
  const auto target = backup_target(*request.body_as_BackupRequest(), from_loopback);
  if (!target) {
    logger()->info("backup refused request={} reason=\"{}\"", request.request_id(), target.error().message);
    return encode_error(request.request_id(), target.error(), committed_sequence);
  }
  const auto started = std::chrono::steady_clock::now();
  if (auto written = store.checkpoint(*target); !written) {
    logger()->error("backup failed directory={}: {}", target->string(), written.error().message);
    return encode_error(request.request_id(),
                        make_error(wire::Status::storage_error,
                                   "la sauvegarde dans " + target->string() +
                                       " a échoué (voir le journal du broker) ; réessayez"),
                        committed_sequence);
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  logger()->info("backup done directory={} seq={} ms={}", target->string(), committed_sequence,
                 elapsed.count());
  return encode_reply(request.request_id(), wire::Status::ok, {}, committed_sequence);
}

}  // namespace dispo::broker
