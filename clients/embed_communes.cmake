# Writes the national table of communes (IN, clients/data/communes.csv) into a C++ source (OUT)
# as dispo::client::national_communes_csv(), so that every binary carries it (no file to find
# at run time).
file(READ ${IN} text)
file(WRITE ${OUT} "// Generated from clients/data/communes.csv; do not edit.\n#include <string_view>\nnamespace dispo::client {\nstd::string_view national_communes_csv() {\n  static constexpr char kTable[] = R\"dispo_communes(${text})dispo_communes\";\n  return {kTable, sizeof kTable - 1};\n}\n}  // namespace dispo::client\n")
