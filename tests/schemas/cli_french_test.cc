#include "dispo/schemas/cli_french.h"

#include <gtest/gtest.h>

#include "dispo/schemas/version.h"

namespace dispo::wire {
namespace {

// Parses `args` for an App like the binaries' and returns the French message of CLI11's error.
std::string error_for(std::vector<std::string> args) {
  CLI::App app{"test", "dispo-test"};
  speak_french(app, "dispo-test");
  int age = 0;
  double timeout = 2;
  std::string level = "info";
  app.add_option("--age", age, "Âge");
  app.add_option("--timeout", timeout, "Secondes")->check(CLI::Range(0.05, 120.0));
  app.add_option("--log-level", level, "Niveau")->check(CLI::IsMember({"info", "warn"}));
  auto* hold = app.add_subcommand("hold", "Réserver");
  std::string id;
  hold->add_option("ID", id, "Réservation")->required();
  std::vector<const char*> argv = {"dispo-test"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& error) {
    return french_cli_error(error);
  }
  return "(no error)";
}

TEST(CliFrenchTest, CliElevensOwnMessagesAreSaidInFrench) {
  const std::string convert = error_for({"--age", "abc"});
  EXPECT_EQ(convert, "--age : valeur illisible « abc »");
  const std::string required = error_for({"hold"});
  EXPECT_EQ(required, "ID est obligatoire");
  const std::string extras = error_for({"--age", "3", "surplus", "encore"});
  EXPECT_EQ(extras, "arguments inattendus : surplus encore");
  const std::string range = error_for({"--timeout", "500"});
  EXPECT_EQ(range, "--timeout : « 500 » hors des limites (de 0.05 à 120)");
  const std::string member = error_for({"--log-level", "loud"});
  EXPECT_NE(member.find("« loud » n'est pas une valeur possible"), std::string::npos) << member;
  const std::string missing = error_for({"--age"});
  EXPECT_NE(missing.find("--age"), std::string::npos) << missing;
  for (const auto& message : {convert, required, extras, range, member, missing}) {
    for (const char* english : {"Could not convert", "is required", "were not expected", "not in range", "Expected"}) {
      EXPECT_EQ(message.find(english), std::string::npos) << message;
    }
  }
}

TEST(CliFrenchTest, HelpIsLabelledInFrenchAndVersionIsTheProjects) {
  CLI::App app{"Un outil", "dispo-test"};
  speak_french(app, "dispo-test");
  std::string name;
  app.add_option("--name", name, "Nom")->required();
  app.add_subcommand("list", "Lister");
  name_subcommand_groups(app);
  const std::string help = app.help();
  for (const char* french : {"Utilisation", "OBLIGATOIRE", "TEXTE", "Commandes", "Afficher cette aide"}) {
    EXPECT_NE(help.find(french), std::string::npos) << french << " in\n" << help;
  }
  for (const char* english : {"Usage", "REQUIRED", "TEXT ", "Subcommands", "Print this help"}) {
    EXPECT_EQ(help.find(english), std::string::npos) << english << " in\n" << help;
  }
  std::vector<const char*> argv = {"dispo-test", "--version"};
  try {
    app.parse(2, const_cast<char**>(argv.data()));
    FAIL() << "--version should stop the parse";
  } catch (const CLI::CallForVersion& version) {
    EXPECT_EQ(std::string(version.what()), "dispo-test " + std::string(wire::version()));
  }
}

}  // namespace
}  // namespace dispo::wire
