# Writes the text of the schema (IN) into a C++ source (OUT) as dispo::wire::schema_text().
file(READ ${IN} text)
file(WRITE ${OUT} "// Generated from dispo.fbs; do not edit.\n#include <string_view>\nnamespace dispo::wire {\nstd::string_view schema_text() {\n  return R\"dispo_fbs(${text})dispo_fbs\";\n}\n}  // namespace dispo::wire\n")
