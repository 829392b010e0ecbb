// JSON bodies of the API read into wire tables with FlatBuffers' own JSON parser (the schema's
// snake_case names, enum names; the same JSON `dispo --json` prints), after nlohmann checks that
// the text is JSON at all. An error is `invalid` with a French message naming the field (or the
// position) at fault. Thread-safe (one parser per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dispo/schemas/result.h"
#include "dispo/schemas/wire.h"

namespace dispo::web {

// `text` as a JSON object; `invalid` naming the position when it is not one.
Result<nlohmann::json> parse_object(std::string_view text);

// The finished FlatBuffer of `object` read as table `table` (e.g. "PlacementRequest").
Result<std::string> table_buffer(const nlohmann::json& object, std::string_view table);

// `object` read as the native table T (T::TableType is the table; `table` its schema name).
template <typename T>
Result<T> read_table(const nlohmann::json& object, std::string_view table) {
  auto buffer = table_buffer(object, table);
  if (!buffer) return buffer.error();
  std::unique_ptr<std::uint64_t[]> storage;
  const std::string_view bytes = wire::aligned(*buffer, storage);
  T native;
  flatbuffers::GetRoot<typename T::TableType>(bytes.data())->UnPackTo(&native);
  return native;
}

}  // namespace dispo::web
