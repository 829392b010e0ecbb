#include "dispo/broker/metrics.h"

namespace dispo::broker {

void MetricsBoard::publish(std::string exposition, Health health) {
  const auto now = Clock::now();
  std::shared_ptr<const std::string> text = std::make_shared<const std::string>(std::move(exposition));
  std::lock_guard lock(mutex_);
  exposition_.swap(text);
  health_ = std::move(health);
  published_at_ = now;
}  // the previous text is freed here, outside the lock

std::shared_ptr<const std::string> MetricsBoard::exposition() const {
  std::lock_guard lock(mutex_);
  return exposition_;
}

Health MetricsBoard::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

std::optional<MetricsBoard::Clock::duration> MetricsBoard::since_last_publish() const {
  std::lock_guard lock(mutex_);
  if (!published_at_) return std::nullopt;
  return Clock::now() - *published_at_;
}

}  // namespace dispo::broker
