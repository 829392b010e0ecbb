// The broker's log lines: one JSON object per line with --log-format json; under journald no
// timestamp of ours and a syslog priority prefix; a timestamp otherwise.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "service/log_format.h"

#include <spdlog/sinks/ostream_sink.h>

namespace dispo::broker {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string log_two_lines(LogFormat format, bool journal) {
  std::ostringstream out;
  spdlog::logger logger("broker", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  apply_log_format(logger, format, journal);
  logger.info("ready: data={} « établissements »", "/var/lib/dispo/data");
  logger.error("commit failed: \"quoted\"\tand a\nnew line \\ {}", std::string("\x01"));
  return out.str();
}

TEST(LogFormatTest, JsonIsOneParsableObjectPerLine) {
  const auto lines = lines_of(log_two_lines(LogFormat::json, false));
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["logger"], "broker");
  EXPECT_EQ(first["message"], "ready: data=/var/lib/dispo/data « établissements »");
  EXPECT_TRUE(first["time"].get<std::string>().ends_with("Z")) << first["time"];
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "error");
  EXPECT_EQ(second["message"], "commit failed: \"quoted\"\tand a\nnew line \\ \x01");
}

TEST(LogFormatTest, UnderJournaldNoTimestampAndASyslogPriority) {
  const auto lines = lines_of(log_two_lines(LogFormat::text, true));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "<6>info broker: ready: data=/var/lib/dispo/data « établissements »");
  EXPECT_TRUE(lines[1].starts_with("<3>error broker: commit failed")) << lines[1];
}

TEST(LogFormatTest, OnATerminalTextStartsWithTheTime) {
  const auto lines = lines_of(log_two_lines(LogFormat::text, false));
  ASSERT_GE(lines.size(), 1u);
  ASSERT_GE(lines[0].size(), 24u);
  EXPECT_EQ(lines[0][4], '-');
  EXPECT_EQ(lines[0][10], 'T');
  EXPECT_NE(lines[0].find(" info broker: ready:"), std::string::npos) << lines[0];
}

TEST(LogFormatTest, ParsesOnlyTheTwoFormats) {
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  EXPECT_FALSE(parse_log_format("xml"));
}

}  // namespace
}  // namespace dispo::broker
