#include "json_tables.h"

#include <memory>

#include <flatbuffers/idl.h>

#include "dispo/schemas/json.h"

namespace dispo::web {
namespace {

std::unique_ptr<flatbuffers::Parser> new_parser() {
  flatbuffers::IDLOptions options;
  options.strict_json = false;
  auto parser = std::make_unique<flatbuffers::Parser>(options);
  const std::string schema(wire::schema_text());
  if (!parser->Parse(schema.c_str())) std::abort();  // compiled by flatc at build time: a build defect
  return parser;
}

// "1:23: error: unknown field: agee" → "unknown field: agee"
std::string parser_reason(const std::string& error) {
  const auto at = error.find("error: ");
  std::string reason = at == std::string::npos ? error : error.substr(at + 7);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  return reason;
}

// FlatBuffers says what is wrong in English with the field's name; say it in French.
std::string french_reason(const std::string& reason) {
  if (reason.starts_with("unknown field: ")) return "champ inconnu « " + reason.substr(15) + " »";
  if (reason.starts_with("required field is missing: ")) {
    std::string field = reason.substr(27);
    if (auto space = field.find(' '); space != std::string::npos) field.resize(space);
    return "champ obligatoire absent « " + field + " »";
  }
  const auto name = reason.rfind("name: ");
  if (name != std::string::npos) {
    std::string field = reason.substr(name + 6);
    if (auto comma = field.find_first_of(", "); comma != std::string::npos) field.resize(comma);
    return "valeur invalide pour le champ « " + field + " » (" + reason + ")";
  }
  return reason;
}

}  // namespace

Result<nlohmann::json> parse_object(std::string_view text) {
  nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
  if (object.is_discarded()) {
    // Parse again with exceptions only to learn where it broke.
    try {
      (void)nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
      return make_error(wire::Status::invalid, "corps JSON illisible (octet " + std::to_string(error.byte) + ")");
    }
    return make_error(wire::Status::invalid, "corps JSON illisible");
  }
  if (!object.is_object()) return make_error(wire::Status::invalid, "le corps doit être un objet JSON");
  return object;
}

Result<std::string> table_buffer(const nlohmann::json& object, std::string_view table) {
  thread_local std::unique_ptr<flatbuffers::Parser> parser;
  if (!parser) parser = new_parser();
  const std::string root = "dispo.wire." + std::string(table);
  if (!parser->SetRootType(root.c_str())) {
    return make_error(wire::Status::invalid, "table inconnue du schéma : " + std::string(table));
  }
  const std::string text = object.dump();
  if (!parser->ParseJson(text.c_str())) {
    std::string reason = french_reason(parser_reason(parser->error_));
    parser = new_parser();  // a failed parse may leave state behind
    if (reason.find("« ") == std::string::npos && object.is_object()) {
      // FlatBuffers did not name the field: find the first field that fails on its own.
      for (const auto& [name, value] : object.items()) {
        const std::string alone = nlohmann::json{{name, value}}.dump();
        parser->SetRootType(root.c_str());
        const bool parsed = parser->ParseJson(alone.c_str());
        const std::string error = parsed ? std::string() : parser_reason(parser->error_);
        if (!parsed) parser = new_parser();
        if (!parsed && !error.starts_with("required field is missing")) {
          reason = "valeur invalide pour le champ « " + name + " » (" + error + ")";
          break;
        }
        if (parsed) parser->builder_.Clear();
      }
    }
    return make_error(wire::Status::invalid, "corps JSON refusé : " + reason);
  }
  std::string buffer(reinterpret_cast<const char*>(parser->builder_.GetBufferPointer()), parser->builder_.GetSize());
  parser->builder_.Clear();
  return buffer;
}

}  // namespace dispo::web
