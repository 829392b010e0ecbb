#include "record_report.h"

#include <sstream>
#include <utility>
#include <vector>

#include "french.h"
#include "request_report.h"
#include "report_time.h"
#include "time_arguments.h"

namespace dispo::cli {
namespace {

using Lines = std::vector<std::pair<std::string, std::string>>;

std::string child_text(const wire::ChildT& child) {
  std::string text = years(child.age);
  if (const std::string sex = child_sex_label(child.sex); !sex.empty()) text += ", " + sex;
  if (!child.needs.empty()) {
    text += ", besoins : ";
    for (std::size_t i = 0; i < child.needs.size(); ++i) text += (i ? ", " : "") + specialty_label(child.needs[i]);
  }
  return text;
}

std::string placement_text(const wire::ChildPlacementT& placement) {
  switch (placement.state) {
    case wire::ChildState::waiting: return "sans place";
    case wire::ChildState::held:
      return "place réservée (" + placement.hold_id + ", " + placement.facility_id + "/" + placement.unit_id + ")";
    case wire::ChildState::admitted:
      return "admis (" + placement.facility_id + "/" + placement.unit_id + ")";
  }
  return "?";
}

Lines request_lines(const wire::PlacementRecordT& record) {
  Lines lines;
  const wire::PlacementRequestT& request = *record.request;
  const wire::SearchQueryT empty;
  const wire::SearchQueryT& criteria = request.criteria ? *request.criteria : empty;
  lines.emplace_back("Demande", request.id);
  lines.emplace_back("Référence de l'enfant (pseudonyme)", request.child_ref);
  lines.emplace_back("Origine", origin_label(request.origin));
  lines.emplace_back("Base légale", legal_basis_label(request.legal_basis));
  lines.emplace_back("État à ce moment", request_state_label(request.state));
  lines.emplace_back("En attente depuis", local_time(request.waiting_since) + " (" +
                                              format_wait((record.at - request.waiting_since) / 1000) + ")");
  const bool placed = request.placements.size() == criteria.children.size();
  for (std::size_t i = 0; i < criteria.children.size(); ++i) {
    if (!criteria.children[i]) continue;
    lines.emplace_back("Enfant " + std::to_string(i + 1),
                       child_text(*criteria.children[i]) + (placed ? " — " + placement_text(*request.placements[i]) : ""));
  }
  if (placed && criteria.children.size() > 1 &&
      (request.state == wire::RequestState::open || request.state == wire::RequestState::proposed)) {
    lines.emplace_back("Enfants sans admission", std::to_string(request.children_waiting) + " sur " +
                                                     std::to_string(criteria.children.size()));
  }
  for (const auto& split : request.splits) {
    std::string children;
    for (std::size_t i = 0; i < split->children.size(); ++i) {
      children += (i == 0 ? "" : i + 1 == split->children.size() ? " et " : ", ") + std::to_string(split->children[i] + 1);
    }
    lines.emplace_back("Fratrie séparée (Code civil, art. 371-5)",
                       "enfant(s) " + children + " vers " + split->facility_id + "/" + split->unit_id + " (réservation " +
                           split->hold_id + "), décidé par " + split->by + " le " + local_time(split->at) +
                           " ; motif : " + split->reason);
  }
  if (criteria.children.size() > 1) {
    lines.emplace_back("Fratrie", request.keep_together ? "à accueillir ensemble (même établissement)"
                                                        : "peut être accueillie séparément");
  }
  lines.emplace_back("Département", criteria.departement);
  if (criteria.near_lat && criteria.near_lon) {
    const std::string place = near_place(*criteria.near_lat, *criteria.near_lon);
    lines.emplace_back("Distance", criteria.max_km ? "au plus " + decimal(*criteria.max_km, 1) + " km de " + place
                                                   : "sans limite (autour de " + place + ")");
  } else {
    lines.emplace_back("Distance", "sans contrainte");
  }
  std::string kinds;
  for (std::size_t i = 0; i < criteria.kinds.size(); ++i) kinds += (i ? ", " : "") + kind_label(criteria.kinds[i]);
  lines.emplace_back("Types d'établissement", kinds.empty() ? "tous" : kinds);
  std::string needs;
  for (std::size_t i = 0; i < criteria.needs.size(); ++i) needs += (i ? ", " : "") + specialty_label(criteria.needs[i]);
  lines.emplace_back("Spécialisations requises", needs.empty() ? "aucune" : needs);
  lines.emplace_back("Accueil d'urgence (24 h) exigé", criteria.emergency_only ? "oui" : "non");
  return lines;
}

std::string reproduce(const wire::PlacementRecordT& record) {
  return "dispo record " + record.request->id + " --at-sequence " + std::to_string(record.sequence) + " --at " +
         utc_time_exact(record.at);
}

std::string conclusion(const wire::PlacementRecordT& record) {
  if (record.suitable == 0) {
    return "Aucune place adaptée n'existait à ce moment : aucune des " + std::to_string(record.considered.size()) +
           " unités examinées ne convenait.";
  }
  return count_of(record.suitable, "unité convenait", "unités convenaient") + " à ce moment, sur " +
         std::to_string(record.considered.size()) + " examinées.";
}

std::string verdict(const wire::ConsiderationT& considered) {
  return considered.suitable ? "convient" : refusal_reason_label(considered.reason);
}

std::string availability_text(const wire::ConsiderationT& considered) {
  return std::to_string(considered.available) + " dispo., " +
         (considered.age_s < 0 ? std::string("jamais confirmé") : "confirmé " + since(considered.age_s));
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_record_text(const wire::PlacementRecordT& record) {
  if (!record.request) return "Relevé vide.\n";
  std::ostringstream out;
  out << "RELEVÉ DE RECHERCHE DE PLACE — demande " << record.request->id << "\n"
      << "Établi pour le " << local_time(record.at) << ", état du broker à la séquence " << record.sequence << ".\n"
      << "Reproductible depuis le journal des événements : " << reproduce(record) << "\n\n";
  out << "Ce qui était recherché\n";
  for (const auto& [label, value] : request_lines(record)) out << "  " << label << " : " << value << "\n";
  out << "\nHistorique de la demande (journal des événements)\n";
  if (record.history.empty()) out << "  (aucun événement)\n";
  for (const auto& entry : record.history) {
    if (!entry) continue;
    out << "  " << local_time(entry->time) << "  séq. " << entry->sequence << "  " << entry->by << " : "
        << entry->what << "\n";
  }
  out << "\nPlaces examinées (" << record.considered.size() << " unités du département)\n";
  for (const auto& considered : record.considered) {
    if (!considered) continue;
    out << "  " << fit(considered->facility_name.empty() ? considered->facility_id : considered->facility_name, 28)
        << " " << fit(considered->facility_id, 11) << " " << fit(town_name(considered->commune_insee), 18)
        << " unité " << fit(unit_label(considered->unit_id, considered->unit_name), 24) << " "
        << fit(verdict(*considered), 24) << " " << considered->detail << " [" << availability_text(*considered)
        << "]\n";
  }
  out << "  Un seul motif par unité : le premier qui s'applique, dans l'ordre " << kReasonOrder << ".\n";
  out << "\n" << conclusion(record) << "\n";
  return out.str();
}

std::string format_record_html(const wire::PlacementRecordT& record) {
  if (!record.request) return "<!DOCTYPE html><html lang=\"fr\"><body><p>Relevé vide.</p></body></html>\n";
  std::ostringstream out;
  const auto e = [](std::string_view text) { return html_escape(text); };
  out << "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>Relevé de recherche de place — " << e(record.request->id) << "</title>\n"
      << "<style>\nbody{font-family:sans-serif;font-size:11pt;margin:2em;color:#000}\n"
         "table{border-collapse:collapse;width:100%;margin-bottom:1em}\n"
         "th,td{border:1px solid #888;padding:3px 6px;text-align:left;vertical-align:top}\n"
         "th{background:#eee}\n.conclusion{font-weight:bold;font-size:13pt;border:2px solid #000;padding:8px}\n"
         ".ok{background:#e6f4e6}\n@media print{body{margin:0}tr{page-break-inside:avoid}}\n</style>\n</head>\n<body>\n";
  out << "<h1>Relevé de recherche de place — demande " << e(record.request->id) << "</h1>\n"
      << "<p>Établi pour le " << e(local_time(record.at)) << ", état du broker à la séquence "
      << record.sequence << ".<br>Reproductible depuis le journal des événements : <code>" << e(reproduce(record))
      << "</code></p>\n";
  out << "<p class=\"conclusion\">" << e(conclusion(record)) << "</p>\n";
  out << "<h2>Ce qui était recherché</h2>\n<table>\n";
  for (const auto& [label, value] : request_lines(record)) {
    out << "<tr><th>" << e(label) << "</th><td>" << e(value) << "</td></tr>\n";
  }
  out << "</table>\n<h2>Historique de la demande</h2>\n<table>\n<tr><th>Date</th><th>Séquence</th><th>Par</th>"
         "<th>Événement</th></tr>\n";
  for (const auto& entry : record.history) {
    if (!entry) continue;
    out << "<tr><td>" << e(local_time(entry->time)) << "</td><td>" << entry->sequence << "</td><td>" << e(entry->by)
        << "</td><td>" << e(entry->what) << "</td></tr>\n";
  }
  out << "</table>\n<h2>Places examinées (" << record.considered.size() << " unités du département)</h2>\n"
      << "<table>\n<tr><th>Établissement</th><th>Identifiant</th><th>Commune</th><th>Unité</th><th>Verdict</th><th>Détail</th>"
         "<th>Disponibilité</th></tr>\n";
  for (const auto& considered : record.considered) {
    if (!considered) continue;
    out << "<tr" << (considered->suitable ? " class=\"ok\"" : "") << "><td>" << e(considered->facility_name)
        << "</td><td>" << e(considered->facility_id) << "</td><td>" << e(town_name(considered->commune_insee))
        << "</td><td>" << e(unit_label(considered->unit_id, considered->unit_name)) << "</td><td>"
        << e(verdict(*considered)) << "</td><td>" << e(considered->detail) << "</td><td>"
        << e(availability_text(*considered)) << "</td></tr>\n";
  }
  out << "</table>\n<p>Un seul motif par unité : le premier qui s'applique, dans l'ordre " << e(kReasonOrder)
      << ".</p>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace dispo::cli
