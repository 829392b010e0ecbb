// A Prometheus exposition as python3-prometheus-client's parser understands it (parse_metrics.py),
// for the broker's and the gateway's metrics tests. The including target defines DISPO_PYTHON
// (Debian's python3) and DISPO_PARSE_METRICS (the script).
#pragma once

#include <cmath>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process.h"
#include "temp_dir.h"

namespace dispo::testing {

// {"families": {name: type}, "samples": [{name, labels, value}]}; {} (and a test failure) when
// the parser refuses the text.
inline nlohmann::json parse_exposition(const TempDir& dir, const std::string& text) {
  const auto file = dir / "metrics.txt";
  std::ofstream(file) << text;
  const auto parsed = run_command({DISPO_PYTHON, DISPO_PARSE_METRICS, file.string()});
  EXPECT_EQ(parsed.exit_code, 0) << parsed.err << "\n" << text;
  return parsed.exit_code == 0 ? nlohmann::json::parse(parsed.out) : nlohmann::json::object();
}

// The value of the sample with this name and these labels (all of them given), or NaN.
inline double sample_value(const nlohmann::json& parsed, const std::string& name, const nlohmann::json& labels = {}) {
  if (!parsed.contains("samples")) return std::nan("");
  for (const auto& sample : parsed["samples"]) {
    if (sample["name"] == name && (labels.is_null() || sample["labels"] == labels)) return sample["value"];
  }
  return std::nan("");
}

}  // namespace dispo::testing
