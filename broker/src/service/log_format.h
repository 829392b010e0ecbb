// How dispo-broker writes its log lines on stderr.
//   text, on a terminal or a file:  2026-12-01T10:00:00.123 info broker: ready: …
//   text, under systemd (JOURNAL_STREAM names our stderr): no timestamp (journald adds its own)
//        and a "<6>" syslog priority prefix, which journald turns into the entry's priority
//   json: one object per line, {"time":"…Z","level":"info","logger":"broker","message":"…"}
#pragma once

#include <optional>
#include <string_view>

#include "dispo/schemas/spdlog.h"

namespace dispo::broker {

enum class LogFormat { text, json };

std::optional<LogFormat> parse_log_format(std::string_view name);

// True when stderr is the journal stream systemd gave us (JOURNAL_STREAM = "device:inode" of it).
bool stderr_is_journal();

void apply_log_format(spdlog::logger& logger, LogFormat format, bool under_journal);

}  // namespace dispo::broker
