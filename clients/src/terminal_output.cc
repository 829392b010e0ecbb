#include "dispo/clients/terminal_output.h"

#include "dispo/clients/command_line.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/printable.h"

namespace dispo::client {

void print_text(std::string_view text, std::FILE* stream) {
  const std::string safe = wire::printable(text);
  std::fwrite(safe.data(), 1, safe.size(), stream);
}

Result<std::string> json_of(const void* table, std::string_view table_name) {
  std::string json = wire::to_json(table, table_name);
  if (json.empty()) {
    return make_error(wire::Status::malformed,
                      "réponse impossible à écrire en JSON (" + std::string(table_name) +
                          " : texte reçu qui n'est pas de l'UTF-8 valide ?) ; rien n'a été écrit");
  }
  return json;
}

int print_json(std::string_view program, const void* table, std::string_view table_name) {
  auto json = json_of(table, table_name);
  if (!json) return report_failure(program, json.error());
  std::fwrite(json->data(), 1, json->size(), stdout);
  return kOk;
}

}  // namespace dispo::client
