#include "storage_guard.h"

#include "model/logger.h"

namespace dispo::broker {

void StorageGuard::on_commit_failed(WriteFailure failure, Clock::time_point now) {
  if (!store_failure_) {
    logger()->error("storage degraded: writes refused until the store resumes cause={}",
                    failure == WriteFailure::no_space ? "no_space" : "io_error");
  }
  store_failure_ = failure;
  next_attempt_ = now + retry_every_;
}

std::optional<std::uint64_t> StorageGuard::available_bytes() const {
  std::error_code ec;
  const auto space = std::filesystem::space(data_dir_, ec);
  if (ec) return std::nullopt;  // cannot tell: let RocksDB be the judge
  return space.available;
}

bool StorageGuard::refresh(Store& store, Clock::time_point now) {
  const bool was_degraded = degraded();
  if (min_free_bytes_ > 0) {
    const auto available = available_bytes();
    const bool low = available && *available < min_free_bytes_;
    if (low != low_space_) {
      if (low) {
        logger()->error("storage degraded: free space below the limit, writes refused available={} min_free={}",
                        *available, min_free_bytes_);
      } else {
        logger()->info("free space back above the limit available={} min_free={}",
                       available.value_or(0), min_free_bytes_);
      }
    }
    low_space_ = low;
  }
  if (store_failure_ && !low_space_ && now >= next_attempt_) {
    ++attempts_;
    if (auto resumed = store.resume(); resumed) {
      logger()->info("storage recovered after attempts={}: writes accepted again", attempts_);
      store_failure_.reset();
      attempts_ = 0;
    } else {
      next_attempt_ = now + retry_every_;
      if (attempts_ == 1 || attempts_ % 60 == 0) {
        logger()->warn("storage still degraded attempts={}: {}", attempts_, resumed.error().message);
      }
    }
  }
  return was_degraded != degraded();
}

Error StorageGuard::refusal() const {
  const bool full = low_space_ || store_failure_ == WriteFailure::no_space;
  const std::string cause = full ? "le disque du broker est plein"
                                 : "le broker ne parvient plus à écrire sur son disque";
  return make_error(wire::Status::storage_error,
                    cause + " : modification refusée, rien n'a été appliqué. Les consultations "
                            "(recherche, état, établissement) restent possibles ; réessayez plus "
                            "tard, l'écriture reprendra d'elle-même quand le stockage sera rétabli.");
}

}  // namespace dispo::broker
