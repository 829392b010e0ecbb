// The Prometheus text format as written by Exposition: exact lines for families, labels with
// escaped values, and histograms with cumulative buckets.
#include <gtest/gtest.h>

#include "dispo/schemas/prometheus.h"

namespace dispo::metrics {
namespace {

TEST(ExpositionTest, WritesFamiliesAndSamplesWithEscapedLabels) {
  Exposition out;
  out.family("dispo_free_places", "gauge", "Fresh places\nby département");
  out.sample("dispo_free_places", {{"departement", "2A"}, {"kind", "mecs"}}, 12);
  out.sample("dispo_free_places", {{"departement", "a\"b\\c\nd"}}, 0.25);
  out.sample("dispo_sequence", 18446744073.0);
  EXPECT_EQ(out.text(),
            "# HELP dispo_free_places Fresh places\\nby département\n"
            "# TYPE dispo_free_places gauge\n"
            "dispo_free_places{departement=\"2A\",kind=\"mecs\"} 12\n"
            "dispo_free_places{departement=\"a\\\"b\\\\c\\nd\"} 0.25\n"
            "dispo_sequence 18446744073\n");
}

TEST(ExpositionTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Histogram histogram({0.001, 0.01});
  histogram.observe(0.0005);
  histogram.observe(0.001);  // on a bound: counted in that bucket (le = less or equal)
  histogram.observe(0.005);
  histogram.observe(2);
  Exposition out;
  out.histogram("dispo_commit_seconds", {}, histogram);
  EXPECT_EQ(out.text(),
            "dispo_commit_seconds_bucket{le=\"0.001\"} 2\n"
            "dispo_commit_seconds_bucket{le=\"0.01\"} 3\n"
            "dispo_commit_seconds_bucket{le=\"+Inf\"} 4\n"
            "dispo_commit_seconds_sum 2.0065\n"
            "dispo_commit_seconds_count 4\n");
}

}  // namespace
}  // namespace dispo::metrics
