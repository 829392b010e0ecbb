#include "dispo/schemas/prometheus.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dispo::metrics {
namespace {

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    out += std::to_string(static_cast<long long>(value));
  } else {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
    out += buffer;
  }
}

// HELP text escapes \ and newline; label values also escape ".
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[static_cast<std::size_t>(bucket)];
  sum_ += value;
  ++count_;
}

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  append_escaped(text_, help, false);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void Exposition::write_labels(const Labels& labels, std::string_view le) {
  if (labels.empty() && le.empty()) return;
  text_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) text_ += ',';
    first = false;
    text_ += key;
    text_ += "=\"";
    append_escaped(text_, value, true);
    text_ += '"';
  }
  if (!le.empty()) {
    if (!first) text_ += ',';
    text_ += "le=\"";
    text_ += le;
    text_ += '"';
  }
  text_ += '}';
}

void Exposition::sample(std::string_view name, const Labels& labels, double value) {
  text_ += name;
  write_labels(labels);
  text_ += ' ';
  append_number(text_, value);
  text_ += '\n';
}

void Exposition::histogram(std::string_view name, const Labels& labels, const Histogram& histogram) {
  std::uint64_t cumulative = 0;
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i <= histogram.bounds().size(); ++i) {
    cumulative += histogram.counts()[i];
    std::string le;
    if (i == histogram.bounds().size()) {
      le = "+Inf";
    } else {
      append_number(le, histogram.bounds()[i]);
    }
    text_ += bucket;
    write_labels(labels, le);
    text_ += ' ';
    append_number(text_, static_cast<double>(cumulative));
    text_ += '\n';
  }
  sample(std::string(name) + "_sum", labels, histogram.sum());
  sample(std::string(name) + "_count", labels, static_cast<double>(histogram.count()));
}

}  // namespace dispo::metrics
