// `dispo hold`, `dispo admit`, `dispo release`, `dispo decline`: holding a place for a request.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "french.h"
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
  std::vector<int> children;  // 1-based, as people count them
  std::string split_reason;
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
  for (int child : a.children) {
    if (child < 1 || child > 255) return usage_error("--child : numéro d'enfant dans la demande, de 1 à 255 (reçu " +
                                                     std::to_string(child) + ")");
    place.children.push_back(static_cast<std::uint8_t>(child - 1));
  }
  place.split_reason = a.split_reason;
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
    auto reason = refusal_reason_from_word(a.reason);
    if (!reason) return usage_error("--reason : « " + a.reason + " » inconnu (" + refusal_reason_words() + ")");
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
  hold->add_option("--child", a->children,
                   "Enfant de la demande que la place accueille (1 = le premier décrit) ; à répéter, une place par "
                   "enfant. Sans --child : tous les enfants qui n'ont encore ni réservation ni admission");
  hold->add_option("--split-reason", a->split_reason,
                   "Pourquoi cette place sépare la fratrie (Code civil art. 371-5 : seulement si vivre ensemble est "
                   "impossible ou contraire à l'intérêt des enfants) ; exigé quand d'autres enfants du groupe sont "
                   "réservés ou admis ailleurs");
  hold->add_flag("--json", a->json, "Sortie JSON");

  auto* admit = parent.add_subcommand("admit", "Les enfants de la réservation sont arrivés : elle devient une admission "
                                                "(la demande est admise quand tous ses enfants le sont)");
  admit->add_option("HOLD", a->hold_id, "Réservation (H-…)")->required();
  admit->add_flag("--json", a->json, "Sortie JSON");

  auto* release = parent.add_subcommand("release", "Rendre les places réservées (ses enfants attendent de nouveau ; "
                                                    "les autres réservations de la demande restent)");
  release->add_option("HOLD", a->hold_id, "Réservation (H-…)")->required();
  release->add_flag("--json", a->json, "Sortie JSON");

  auto* decline = parent.add_subcommand("decline", "Établissement : refuser l'enfant proposé, avec un motif codé");
  decline->add_option("HOLD", a->hold_id, "Réservation (H-…)")->required();
  decline->add_option("--reason", a->reason,
                      "Motif : " + refusal_reason_words())
      ->required();
  decline->add_option("--note", a->note, "Précision (sans nom d'enfant, 200 caractères au plus)");
  decline->add_flag("--json", a->json, "Sortie JSON");

  return {{hold, [&global, a] { return run_hold(global, *a); }},
          {admit, [&global, a] { return run_end(global, *a, wire::HoldState::admitted); }},
          {release, [&global, a] { return run_end(global, *a, wire::HoldState::released); }},
          {decline, [&global, a] { return run_end(global, *a, wire::HoldState::declined); }}};
}

}  // namespace dispo::cli
