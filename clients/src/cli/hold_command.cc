// `dispo hold`, `dispo admit`, `dispo release`, `dispo decline`: holding a place for a request.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/names.h"
#include "request_report.h"
#include "time_arguments.h"

namespace dispo::cli {
namespace {

struct HoldArguments {
  std::string facility_id;
  std::string unit_id;
  std::string request_id;
  std::string duration = "2h";
  std::string hold_id;
  std::string reason;
  std::string note;
  bool json = false;
};

int send_hold(const GlobalOptions& global, wire::RequestBodyUnion body, bool json) {
  return call_and_print(global, std::move(body), "HoldResult", json, &wire::Reply::body_as_HoldResult,
                        [](const wire::HoldResultT& result) { return format_hold_result(result); });
}

int run_hold(const GlobalOptions& global, const HoldArguments& a) {
  auto seconds = parse_duration(a.duration, "--for");
  if (!seconds) return usage_error(seconds.error().message);
  if (*seconds > 72 * 3600) return usage_error("--for : une réservation dure au plus 72 h");
  wire::HoldPlaceT place;
  place.facility_id = a.facility_id;
  place.unit_id = a.unit_id;
  place.request_id = a.request_id;
  place.duration_s = static_cast<std::uint32_t>(*seconds);
  wire::RequestBodyUnion body;
  body.Set(std::move(place));
  return send_hold(global, std::move(body), a.json);
}

int run_end(const GlobalOptions& global, const HoldArguments& a, wire::HoldState outcome) {
  wire::HoldEndT end;
  end.hold_id = a.hold_id;
  end.outcome = outcome;
  end.note = a.note;
  if (outcome == wire::HoldState::declined) {
    auto reason = wire::enum_from_name(a.reason, wire::EnumValuesRefusalReason(), &wire::EnumNameRefusalReason);
    if (!reason) {
      return usage_error("--reason : « " + a.reason + " » inconnu (" +
                         wire::enum_names(wire::EnumValuesRefusalReason(), &wire::EnumNameRefusalReason) + ")");
    }
    end.reason = *reason;
  }
  wire::RequestBodyUnion body;
  body.Set(std::move(end));
  return send_hold(global, std::move(body), a.json);
}

}  // namespace

std::vector<Command> add_hold_commands(CLI::App& parent, const GlobalOptions& global) {
  auto a = std::make_shared<HoldArguments>();
  auto* hold = parent.add_subcommand("hold", "Réserver une place pour une demande, le temps de téléphoner et d'amener l'enfant");
  hold->add_option("FACILITY", a->facility_id, "Établissement (FINESS…)")->required();
  hold->add_option("UNIT", a->unit_id, "Unité")->required();
  hold->add_option("--request", a->request_id, "Demande de placement (R-…)")->required();
  hold->add_option("--for", a->duration, "Durée de la réservation (2h par défaut, 72h au plus ; ex. 30m, 1h30)");
  hold->add_flag("--json", a->json, "Sortie JSON");

  auto* admit = parent.add_subcommand("admit", "L'enfant est arrivé : la réservation devient une admission");
  admit->add_option("HOLD", a->hold_id, "Réservation (H-…)")->required();
  admit->add_flag("--json", a->json, "Sortie JSON");

  auto* release = parent.add_subcommand("release", "Rendre la place réservée (la demande redevient ouverte)");
  release->add_option("HOLD", a->hold_id, "Réservation (H-…)")->required();
  release->add_flag("--json", a->json, "Sortie JSON");

  auto* decline = parent.add_subcommand("decline", "Établissement : refuser l'enfant proposé, avec un motif codé");
  decline->add_option("HOLD", a->hold_id, "Réservation (H-…)")->required();
  decline->add_option("--reason", a->reason,
                      "Motif : " + wire::enum_names(wire::EnumValuesRefusalReason(), &wire::EnumNameRefusalReason))
      ->required();
  decline->add_option("--note", a->note, "Précision (sans nom d'enfant, 200 caractères au plus)");
  decline->add_flag("--json", a->json, "Sortie JSON");

  return {{hold, [&global, a] { return run_hold(global, *a); }},
          {admit, [&global, a] { return run_end(global, *a, wire::HoldState::admitted); }},
          {release, [&global, a] { return run_end(global, *a, wire::HoldState::released); }},
          {decline, [&global, a] { return run_end(global, *a, wire::HoldState::declined); }}};
}

}  // namespace dispo::cli
