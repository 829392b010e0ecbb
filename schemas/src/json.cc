#include "dispo/schemas/json.h"

#include <mutex>

#include <flatbuffers/idl.h>

namespace dispo::wire {
namespace {

// The parser holds only the parsed schema; printing does not mutate it.
const flatbuffers::Parser& schema_parser() {
  static const flatbuffers::Parser* parser = [] {
    flatbuffers::IDLOptions options;
    options.strict_json = true;
    options.output_default_scalars_in_json = true;
    options.indent_step = 2;
    auto* p = new flatbuffers::Parser(options);
    const std::string text(schema_text());
    if (!p->Parse(text.c_str())) {
      // The schema is compiled by flatc at build time; failing here is a build defect.
      std::abort();
    }
    return p;
  }();
  return *parser;
}

}  // namespace

std::string to_json(const void* table, std::string_view table_name) {
  const auto& parser = schema_parser();
  std::string json;
  const std::string qualified = "dispo.wire." + std::string(table_name);
  if (!flatbuffers::GenerateTextFromTable(parser, table, qualified, &json)) {
    return {};
  }
  return json;
}

}  // namespace dispo::wire
