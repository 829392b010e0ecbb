#include "command_line_flags.h"

#include <cstdio>

#include "dispo/schemas/cli_french.h"
#include "dispo/schemas/curve_keys.h"

namespace dispo::client {

void add_connection_options(CLI::App& app, ConnectionOptions& options) {
  app.add_option("--broker", options.broker,
                 "Adresse du broker (api), ou variable DISPO_BROKER (défaut : la socket locale d'un broker\n"
                 "lancé d'ici avec ses réglages par défaut)")
      ->envname("DISPO_BROKER")
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_s, "Attente d'une réponse à chaque tentative, en secondes")
      ->check(CLI::Range(0.05, 120.0))
      ->capture_default_str();
  auto* key = app.add_option_function<std::string>(
      "--key",
      [&options](const std::string& path) {
        auto keys = wire::read_key_file(path, true);
        if (!keys) throw CLI::ValidationError("--key", keys.error().message);
        options.keys.public_key = keys->public_key;
        options.keys.secret_key = keys->secret_key;
      },
      "Fichier de clés CURVE de ce client (chiffrement et identité), ou DISPO_KEY");
  key->envname("DISPO_KEY");
  auto* broker_key = app.add_option_function<std::string>(
      "--broker-key",
      [&options](const std::string& path) {
        auto keys = wire::read_key_file(path, false);
        if (!keys) throw CLI::ValidationError("--broker-key", keys.error().message);
        options.keys.broker_public = keys->public_key;
      },
      "Clé publique du broker (broker.pub), ou DISPO_BROKER_KEY");
  broker_key->envname("DISPO_BROKER_KEY");
  key->needs(broker_key);
  broker_key->needs(key);
}

void prepare_command_line(CLI::App& app, std::string_view program) { wire::speak_french(app, program); }

std::string french_usage(const CLI::ParseError& error, const CLI::App& app, std::string_view commands) {
  const std::string what = error.what();
  const std::string help = " (voir " + app.get_name() + " --help)";
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    if (what.find("subcommand") != std::string::npos) {
      // The command whose subcommand is missing: the deepest one given ("dispo request shw").
      const CLI::App* parent = &app;
      for (const CLI::App* given = &app; given != nullptr;) {
        parent = given;
        const auto selected = given->get_subcommands();
        given = selected.empty() ? nullptr : selected.front();
      }
      std::string expected(commands);
      if (parent != &app) {
        expected.clear();
        for (const auto* sub : parent->get_subcommands([](const CLI::App*) { return true; })) {
          expected += (expected.empty() ? "" : ", ") + sub->get_name();
        }
      }
      auto typed = parent->remaining();
      if (typed.empty()) typed = app.remaining();  // with fallthrough, the top keeps what nobody took
      if (!typed.empty()) {
        const char* what_it_is = typed.front().starts_with("-") ? "option inconnue « " : "commande inconnue « ";
        return what_it_is + typed.front() + " » : attendu " + expected + help;
      }
      return "une commande est requise : " + expected + help;
    }
    return "argument obligatoire manquant — " + wire::french_cli_error(error) + help;
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    return "option ou argument inconnu — " + wire::french_cli_error(error) + help;
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr ||
      dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    return "valeur invalide — " + wire::french_cli_error(error) + help;
  }
  return "utilisation incorrecte — " + wire::french_cli_error(error) + help;
}

ConnectionOptions patient(const ConnectionOptions& options, const CLI::App& app) {
  ConnectionOptions waiting = options;
  const CLI::Option* timeout = app.get_option_no_throw("--timeout");
  if (timeout == nullptr || timeout->count() == 0) waiting.timeout_s = 120;
  return waiting;
}

int run_subcommands(CLI::App& app, std::span<const Subcommand> subcommands, std::string_view names,
                    int argc, char** argv) {
  const std::string program = app.get_name();
  wire::name_subcommand_groups(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    return report_usage(program, french_usage(error, app, names));
  }
  for (const auto& subcommand : subcommands) {
    if (!subcommand.app->parsed()) continue;
    try {
      return subcommand.run();
    } catch (const std::exception& error) {  // the edge: nothing escapes as a crash
      std::fprintf(stderr, "%s : erreur interne : %s\n", program.c_str(), error.what());
      return kRefused;
    }
  }
  return report_usage(program, "une commande est requise : " + std::string(names) + " (voir " + program + " --help)");
}

}  // namespace dispo::client
