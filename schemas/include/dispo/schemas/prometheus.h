// Exposition: writes the Prometheus text format (version 0.0.4) — HELP and TYPE lines, samples
// with escaped label values, histograms with cumulative buckets, _sum and _count. Knows nothing of
// what is measured: the broker's BrokerProbe and dispo-web's WebProbe decide. Not thread-safe (one per rendering).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dispo::metrics {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

// Fixed bucket bounds (upper bounds, ascending; +Inf is implied) and the counts observed.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }  // per bucket, not cumulative; last = +Inf
  double sum() const { return sum_; }
  std::uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Exposition {
 public:
  // Starts a metric family; its samples follow. `type` is counter, gauge or histogram.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  // A whole histogram family member: name_bucket{le=…}, name_sum, name_count.
  void histogram(std::string_view name, const Labels& labels, const Histogram& histogram);

  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  void write_labels(const Labels& labels, std::string_view le = {});
  std::string text_;
};

}  // namespace dispo::metrics
