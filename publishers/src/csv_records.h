// Internal: splits RFC 4180 text into records. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dispo::publishers {

// One record with the physical line (1-based) where it starts; fields are trimmed of
// surrounding spaces and tabs, quotes removed, "" unescaped.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// A record that could not be split (unterminated quote, text after a closing quote...).
struct CsvSyntaxError {
  std::size_t line = 0;
  std::string message;  // French
};

struct CsvRecords {
  std::vector<CsvRecord> records;      // blank records (no text at all) are left out
  std::vector<CsvSyntaxError> errors;  // the records they concern are left out
};

// Accepts LF, CRLF or CR line ends, a UTF-8 byte-order mark, and line breaks inside quoted
// fields (the record keeps the line it started on).
CsvRecords split_csv_records(std::string_view text);

}  // namespace dispo::publishers
