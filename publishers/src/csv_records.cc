#include "csv_records.h"

#include <algorithm>

namespace dispo::publishers {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

bool only_blanks(std::string_view text) { return std::all_of(text.begin(), text.end(), is_blank); }

// A small state machine over the characters; one instance per call.
class Splitter {
 public:
  explicit Splitter(std::string_view text) : text_(text) {}

  CsvRecords run() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
    for (pos_ = 0; pos_ < text_.size(); ++pos_) step(text_[pos_]);
    if (in_quotes_) {
      fail("guillemet ouvert jamais refermé");
    } else {
      end_record();
    }
    return std::move(out_);
  }

 private:
  char next() const { return pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0'; }

  void step(char c) {
    if (skipping_) {
      if (c == '\n' || c == '\r') {
        if (c == '\r' && next() == '\n') ++pos_;
        new_line();
      }
      return;
    }
    if (in_quotes_) return quoted(c);
    if (c == ',') return end_field();
    if (c == '\r' || c == '\n') {
      if (c == '\r' && next() == '\n') ++pos_;
      end_record();
      new_line();
      return;
    }
    if (after_quote_) {
      if (!is_blank(c)) fail("texte après un guillemet fermant (doublez les guillemets à l'intérieur : \"\")");
      return;
    }
    if (c == '"') {
      if (only_blanks(field_)) {
        field_.clear();
        in_quotes_ = true;
        quoted_line_ = line_;
      } else {
        fail("guillemet au milieu d'un champ non entouré de guillemets");
      }
      return;
    }
    field_ += c;
  }

  void quoted(char c) {
    if (c == '"') {
      if (next() == '"') {
        field_ += '"';
        ++pos_;
      } else {
        in_quotes_ = false;
        after_quote_ = true;
      }
      return;
    }
    if (c == '\r' && next() == '\n') return;  // keep the \n only
    if (c == '\n' || c == '\r') ++line_;
    field_ += c == '\r' ? '\n' : c;
  }

  void end_field() {
    fields_.push_back(after_quote_ ? std::move(field_) : trimmed(field_));
    field_.clear();
    after_quote_ = false;
  }

  void end_record() {
    end_field();
    const bool blank = std::all_of(fields_.begin(), fields_.end(),
                                   [](const std::string& f) { return f.empty(); });
    if (!blank || had_quotes_in_record()) {
      out_.records.push_back(CsvRecord{record_line_, std::move(fields_)});
    }
    fields_.clear();
  }

  bool had_quotes_in_record() const { return quoted_line_ != 0 && quoted_line_ >= record_line_; }

  void new_line() {
    ++line_;
    record_line_ = line_;
    skipping_ = false;
  }

  void fail(std::string message) {
    out_.errors.push_back(CsvSyntaxError{record_line_, std::move(message)});
    fields_.clear();
    field_.clear();
    after_quote_ = false;
    in_quotes_ = false;
    skipping_ = true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 1;
  std::size_t quoted_line_ = 0;
  bool in_quotes_ = false;
  bool after_quote_ = false;
  bool skipping_ = false;
  std::string field_;
  std::vector<std::string> fields_;
  CsvRecords out_;
};

}  // namespace

CsvRecords split_csv_records(std::string_view text) { return Splitter(text).run(); }

}  // namespace dispo::publishers
