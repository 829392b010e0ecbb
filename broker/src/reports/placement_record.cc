#include "placement_record.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <memory>
#include <optional>

#include "dispo/schemas/clock.h"
#include "dispo/schemas/labels.h"

#include "history.h"
#include "model/replies.h"
#include "matching/search.h"
#include "model/sibling_group.h"
#include "matching/suitability.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

Error unknown(std::string_view id, const std::string& when) {
  return make_error(wire::Status::unknown_request, "demande " + std::string(id) + " inconnue" + when);
}

std::string utc_time(std::int64_t ms) {
  return wire::format_time(ms, "%Y-%m-%d %H:%M UTC", wire::TimeZone::utc);
}

// The criteria a record judges: the request's (each child with its own needs), no stale place.
wire::SearchQueryT record_query(const wire::PlacementRequestT& request) {
  wire::SearchQueryT query = request.criteria ? *request.criteria : wire::SearchQueryT();
  query.include_stale = false;
  query.limit = 0;
  return query;
}

std::string children_text(const std::vector<int>& children) {
  std::string out;
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i > 0) out += i + 1 == children.size() ? " et " : ", ";
    out += "enfant " + std::to_string(children[i] + 1);
  }
  return out;
}

std::uint64_t opening_sequence(std::string_view id) {
  std::uint64_t sequence = 0;
  if (!id.starts_with("R-")) return 1;
  const auto digits = id.substr(2);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), sequence);
  return error == std::errc() && end == digits.data() + digits.size() && sequence > 0 ? sequence : 1;
}

std::vector<std::uint8_t> to_positions(const flatbuffers::Vector<std::uint8_t>* children) {
  return children ? std::vector<std::uint8_t>(children->begin(), children->end()) : std::vector<std::uint8_t>();
}

// The children newly held or admitted (grouped by hold), the new split decisions and, while
// the request waits, how many children still wait — in French.
std::string describe_children(const wire::PlacementRequest& now, const wire::PlacementRequestT& before) {
  std::string what;
  const auto add = [&what](const std::string& text) { what += (what.empty() ? "" : " ; ") + text; };
  if (now.placements() != nullptr && now.placements()->size() == before.placements.size()) {
    struct Moved {
      wire::ChildState state;
      std::string hold;
      std::string place;
      std::vector<std::uint8_t> children;
    };
    std::vector<Moved> moved;
    for (std::size_t i = 0; i < before.placements.size(); ++i) {
      const wire::ChildPlacement* child = now.placements()->Get(static_cast<flatbuffers::uoffset_t>(i));
      const std::string hold = child->hold_id() ? child->hold_id()->str() : std::string();
      if (child->state() == wire::ChildState::waiting ||
          (child->state() == before.placements[i]->state && hold == before.placements[i]->hold_id)) {
        continue;
      }
      const std::string place = (child->facility_id() ? child->facility_id()->str() : "?") + "/" +
                                (child->unit_id() ? child->unit_id()->str() : "?");
      auto found = std::find_if(moved.begin(), moved.end(), [&](const Moved& entry) {
        return entry.state == child->state() && entry.hold == hold;
      });
      if (found == moved.end()) found = moved.insert(moved.end(), Moved{child->state(), hold, place, {}});
      found->children.push_back(static_cast<std::uint8_t>(i));
    }
    for (const Moved& entry : moved) {
      add(children_words(entry.children) + (entry.state == wire::ChildState::admitted
                                                ? " admis (" + entry.place + ")"
                                                : " : place réservée (" + entry.hold + ", " + entry.place + ")"));
    }
  }
  const std::size_t splits = now.splits() ? now.splits()->size() : 0;
  for (std::size_t i = before.splits.size(); i < splits; ++i) {
    const wire::SiblingSplit* split = now.splits()->Get(static_cast<flatbuffers::uoffset_t>(i));
    add("fratrie séparée : " + children_words(to_positions(split->children())) + " vers " +
        (split->facility_id() ? split->facility_id()->str() : "?") + "/" +
        (split->unit_id() ? split->unit_id()->str() : "?") + ", décidé par " + (split->by() ? split->by()->str() : "?") +
        " — motif : " + (split->reason() ? split->reason()->str() : "?") + " (Code civil, art. 371-5)");
  }
  const bool waits = now.state() == wire::RequestState::open || now.state() == wire::RequestState::proposed;
  if (waits && now.children_waiting() != before.children_waiting && now.children_waiting() > 0 &&
      !before.placements.empty()) {
    add(now.children_waiting() == 1 ? std::string("1 enfant sans admission encore")
                                    : std::to_string(now.children_waiting()) + " enfants sans admission encore");
  }
  return what;
}

std::string describe_request(const wire::PlacementRequest& now, const wire::PlacementRequestT* before) {
  if (before == nullptr) {
    return "demande ouverte (origine " + wire::origin_label(now.origin()) + ", base légale " +
           wire::legal_basis_label(now.legal_basis()) + ")";
  }
  const std::size_t refusals = now.refusals() ? now.refusals()->size() : 0;
  std::string what;
  if (refusals > before->refusals.size()) {
    for (std::size_t i = before->refusals.size(); i < refusals; ++i) {
      const wire::Refusal* refusal = now.refusals()->Get(i);
      what += std::string(what.empty() ? "" : " ; ") + "refus de l'établissement " +
              (refusal->facility_id() ? refusal->facility_id()->str() : "?") + " unité " +
              (refusal->unit_id() ? refusal->unit_id()->str() : "?") + " : " +
              wire::EnumNameRefusalReason(refusal->reason()) +
              (refusal->note() && refusal->note()->size() ? " (" + refusal->note()->str() + ")" : "");
    }
  }
  if (const std::string children = describe_children(now, *before); !children.empty()) {
    what += (what.empty() ? "" : " ; ") + children;
  }
  if (now.state() != before->state) {
    std::string change;
    switch (now.state()) {
      case wire::RequestState::open: change = "de nouveau ouverte"; break;
      case wire::RequestState::proposed:
        change = now.placements() && now.placements()->size() > 0
                     ? "place proposée"
                     : "place proposée (réservation " + (now.hold_id() ? now.hold_id()->str() : "?") + ")";
        break;
      case wire::RequestState::admitted:
        change = "admise (" + (now.admitted_at() ? now.admitted_at()->str() : "?") + ")";
        break;
      case wire::RequestState::cancelled:
        change = "annulée" + (now.cancel_reason() && now.cancel_reason()->size() ? " : " + now.cancel_reason()->str()
                                                                                : std::string());
        break;
      default: change = "état modifié"; break;
    }
    what += (what.empty() ? "" : " ; ") + change;
  }
  return what.empty() ? "demande mise à jour (critères ou informations)" : what;
}

std::string describe_hold(const wire::Hold& hold) {
  const std::string id = hold.id() ? hold.id()->str() : "?";
  const auto children = to_positions(hold.children());
  std::string place = "unité " + (hold.unit_id() ? hold.unit_id()->str() : "?") + " de l'établissement " +
                      (hold.facility_id() ? hold.facility_id()->str() : "?");
  if (!children.empty()) {
    place += ", " + children_words(children) + " (" + std::to_string(children.size()) +
             (children.size() > 1 ? " places)" : " place)");
  }
  if (hold.state() == wire::HoldState::active && hold.split_reason() && hold.split_reason()->size() > 0) {
    place += " — sépare la fratrie, motif : " + hold.split_reason()->str();
  }
  switch (hold.state()) {
    case wire::HoldState::active: return "réservation " + id + " posée : " + place + ", jusqu'au " + utc_time(hold.expires_at());
    case wire::HoldState::admitted: return "réservation " + id + " transformée en admission : " + place;
    case wire::HoldState::released: return "réservation " + id + " levée : " + place;
    case wire::HoldState::expired: return "réservation " + id + " expirée : " + place;
    case wire::HoldState::declined: return "réservation " + id + " refusée par l'établissement : " + place;
  }
  return "réservation " + id;
}

}  // namespace

wire::PlacementRecordT build_record(const AvailabilityIndex& index, const wire::PlacementRequestT& request,
                                    const RecordMoment& moment) {
  wire::PlacementRecordT record;
  record.request = std::make_unique<wire::PlacementRequestT>(request);
  record.sequence = moment.sequence;
  record.at = moment.at_ms;
  const wire::SearchQueryT query = record_query(request);
  const SuitabilityCriteria criteria = make_suitability_criteria(query, moment.at_ms, moment.stale_after_ms, {});
  for (const auto& [id, facility] : index.facilities()) {
    if (facility.facility.departement != query.departement) continue;
    const double distance = criteria.has_near ? distance_km(criteria.near_lat, criteria.near_lon,
                                                            facility.facility.lat, facility.facility.lon)
                                              : 0.0;
    const auto verdicts = judge_facility(facility, criteria, distance, request.keep_together);
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
      const UnitRecord& unit = facility.units[i];
      auto considered = std::make_unique<wire::ConsiderationT>();
      considered->facility_id = facility.facility.id;
      considered->facility_name = facility.facility.name;
      considered->unit_id = unit.unit.id;
      considered->commune_insee = facility.facility.commune_insee;
      considered->unit_name = unit.unit.name;
      considered->suitable = !verdicts[i].refusal.has_value();
      if (verdicts[i].refusal) {
        considered->reason = *verdicts[i].refusal;
        considered->detail = verdicts[i].detail;
      } else {
        ++record.suitable;
        considered->detail = verdicts[i].children.empty() ? "convient (l'établissement accueille le groupe)"
                                                          : "convient : accueillerait " + children_text(verdicts[i].children);
      }
      considered->available = unit.availability.available;
      considered->age_s = unit.availability.confirmed_at == 0
                              ? -1
                              : std::max<std::int64_t>(0, (moment.at_ms - unit.availability.confirmed_at) / 1000);
      record.considered.push_back(std::move(considered));
    }
  }
  return record;
}

Result<std::vector<std::unique_ptr<wire::RecordEntryT>>> request_history(const Store& store, std::string_view id,
                                                                        std::uint64_t upto) {
  std::vector<std::unique_ptr<wire::RecordEntryT>> entries;
  std::optional<wire::PlacementRequestT> last;
  auto read = for_each_feed_event(store, opening_sequence(id), [&](const wire::FeedEvent& event) {
    if (event.sequence() > upto) return false;
    std::string what;
    if (const auto* changed = event.change_as_PlacementRequestChanged()) {
      const wire::PlacementRequest* request = changed->request();
      if (request == nullptr || request->id() == nullptr || request->id()->string_view() != id) return true;
      what = describe_request(*request, last ? &*last : nullptr);
      last.emplace();
      request->UnPackTo(&*last);
    } else if (const auto* held = event.change_as_HoldChanged()) {
      const wire::Hold* hold = held->hold();
      if (hold == nullptr || hold->request_id() == nullptr || hold->request_id()->string_view() != id) return true;
      what = describe_hold(*hold);
    } else {
      return true;
    }
    auto entry = std::make_unique<wire::RecordEntryT>();
    entry->sequence = event.sequence();
    entry->time = event.time();
    entry->by = event.principal() ? event.principal()->str() : std::string();
    entry->what = std::move(what);
    entries.push_back(std::move(entry));
    return true;
  });
  if (!read) return read.error();
  return entries;
}

Answer answer_record(const BrokerState& state, std::uint64_t request_id, const wire::RecordRequest& request,
                     const RequestContext& context) {
  const std::string id = request.request_id()->str();
  const std::uint64_t sequence = state.sequence;
  const auto fail = [request_id, sequence](const Error& error) { return encode_error(request_id, error, sequence); };
  // The record with the request's history up to `upto`, encoded.
  const auto finish = [id, request_id, sequence, fail](const Store& store, wire::PlacementRecordT& record,
                                                       std::uint64_t upto) {
    auto history = request_history(store, id, upto);
    if (!history) return fail(history.error());
    record.history = std::move(*history);
    return encode_reply(request_id, wire::Status::ok, {}, sequence, [&](auto& builder) {
      return std::pair{wire::ReplyBody::PlacementRecord, wire::PlacementRecord::Pack(builder, &record).Union()};
    });
  };
  RecordMoment moment;
  moment.stale_after_ms = state.stale_after_ms;
  if (!request.sequence().has_value() && !request.at().has_value()) {
    const wire::PlacementRequestT* current = state.workflow.request(id);
    if (current == nullptr) return fail(unknown(id, ""));
    moment.sequence = state.sequence;
    moment.at_ms = context.now_ms;
    auto record = std::make_shared<wire::PlacementRecordT>(build_record(state.index, *current, moment));
    return LogRead([record, finish, upto = moment.sequence](const Store& store) { return finish(store, *record, upto); });
  }
  if (request.sequence() && *request.sequence() > state.sequence) {
    return fail(make_error(wire::Status::invalid, "séquence " + std::to_string(*request.sequence()) +
                                                      " : le broker n'en est qu'à " + std::to_string(state.sequence)));
  }
  if (request.at()) {
    if (auto checked = check_past_moment(*request.at(), context.now_ms); !checked) return fail(checked.error());
  }
  ReplayLimit limit;
  if (request.sequence()) limit.sequence = *request.sequence();
  else limit.time = *request.at();
  const std::optional<std::int64_t> at = request.at() ? std::optional<std::int64_t>(*request.at()) : std::nullopt;
  return LogRead([id, limit, at, moment, fail, finish](const Store& store) mutable {
    auto picture = replay(store, limit);
    if (!picture) return fail(picture.error());
    if (limit.sequence && at && *at < picture->time) {
      return fail(make_error(wire::Status::invalid, "l'instant demandé précède l'événement " +
                                                        std::to_string(picture->sequence)));
    }
    auto found = picture->requests.find(id);
    if (found == picture->requests.end()) {
      return fail(unknown(id, " à la séquence " + std::to_string(picture->sequence) + " (pas encore ouverte)"));
    }
    moment.sequence = picture->sequence;
    moment.at_ms = at ? *at : picture->time;
    wire::PlacementRecordT record = build_record(picture->index, found->second, moment);
    return finish(store, record, moment.sequence);
  });
}

}  // namespace dispo::broker
