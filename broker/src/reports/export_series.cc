#include "export_series.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <map>
#include <set>

#include "access/authorisation.h"
#include "dispo/schemas/calendar.h"
#include "capacity.h"
#include "history.h"
#include "model/replies.h"
#include "model/sibling_group.h"
#include "matching/suitability.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// Unix ms of the UTC midnight starting `date` ("YYYY-MM-DD"), or nothing.
std::optional<std::int64_t> day_start(const std::string& date) {
  const auto day = wire::parse_iso_date(date);
  if (!day) return std::nullopt;
  return std::chrono::sys_days{*day}.time_since_epoch() / std::chrono::milliseconds(1);
}

std::string utc_date(std::int64_t start_ms) {
  return wire::format_iso_date(std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{start_ms / kDayMs}}});
}

bool counted(std::string_view departement, const std::vector<std::string>& departements) {
  return departements.empty() ||
         std::find(departements.begin(), departements.end(), departement) != departements.end();
}

struct DayDemand {
  std::uint32_t opened = 0;
  std::uint32_t admitted = 0;
  std::uint32_t children_admitted = 0;
};

void emit_day(const Picture& picture, const ExportScope& scope, std::int64_t start_ms, std::int64_t end_ms,
              const DayDemand& demand, wire::ExportResultT& result) {
  const std::string today = local_date(end_ms);
  std::map<int, wire::ExportRowT> by_kind;
  for (const auto& [id, record] : picture.index.facilities()) {
    if (!counted(record.facility.departement, scope.departements)) continue;
    if (!is_authorised(record.facility, today)) continue;
    wire::ExportRowT& row = by_kind[static_cast<int>(record.facility.kind)];
    row.kind = record.facility.kind;
    for (const UnitRecord& unit : record.units) {
      row.installed += unit.unit.installed;
      (is_stale(unit.availability, end_ms, scope.stale_after_ms) ? row.stale : row.free) += unit.availability.available;
      row.reserved += unit.availability.reserved;
    }
  }
  std::erase_if(by_kind, [](const auto& entry) { return entry.second.installed == 0; });
  if (by_kind.empty()) by_kind[static_cast<int>(wire::FacilityKind::mecs)].kind = wire::FacilityKind::mecs;
  bool first = true;
  for (auto& [kind, row] : by_kind) {
    row.day = utc_date(start_ms);
    if (first) {
      for (const auto& [rid, request] : picture.requests) {
        if (is_pending(request) && counted(request_departement(request), scope.departements)) {
          ++row.requests_open;
          row.children_waiting += waiting_children(request);
        }
      }
      row.requests_opened = demand.opened;
      row.requests_admitted = demand.admitted;
      row.children_admitted = demand.children_admitted;
      first = false;
    }
    result.rows.push_back(std::make_unique<wire::ExportRowT>(std::move(row)));
  }
}

}  // namespace

Result<wire::ExportResultT> export_series(const Store& store, const ExportScope& scope) {
  const auto from = day_start(scope.from);
  const auto to = day_start(scope.to);
  if (!from || !to) {
    return make_error(wire::Status::invalid, "dates attendues au format AAAA-MM-JJ (reçu « " + scope.from +
                                                 " » et « " + scope.to + " »)");
  }
  if (*from > *to) return make_error(wire::Status::invalid, "la date de début est après la date de fin");
  const std::int64_t days = (*to - *from) / kDayMs + 1;
  if (days > kMaxExportDays) {
    return make_error(wire::Status::invalid, "période de " + std::to_string(days) + " jours : au plus " +
                                                 std::to_string(kMaxExportDays) + " jours par export");
  }
  const std::int64_t last_start = std::min(*to, scope.now_ms - scope.now_ms % kDayMs);

  wire::ExportResultT result;
  HistoryReplay history;
  std::int64_t day = *from;
  DayDemand demand;
  std::set<std::string, std::less<>> known;
  auto close_days_before = [&](std::int64_t time) {
    while (day <= last_start && time >= day + kDayMs) {
      emit_day(history.picture(), scope, day, day + kDayMs - 1, demand, result);
      demand = {};
      day += kDayMs;
    }
  };
  auto read = for_each_feed_event(store, 1, [&](const wire::FeedEvent& event) {
    close_days_before(event.time());
    if (day > last_start) return false;
    const bool in_range = event.time() >= day;
    if (event.change_type() == wire::Change::PlacementRequestChanged) {
      const auto* request = event.change_as_PlacementRequestChanged()->request();
      if (request != nullptr && request->id() != nullptr) {
        const auto* previous = history.picture().requests.find(request->id()->string_view()) !=
                                       history.picture().requests.end()
                                   ? &history.picture().requests.find(request->id()->string_view())->second
                                   : nullptr;
        const std::string_view departement =
            request->criteria() && request->criteria()->departement() ? request->criteria()->departement()->string_view()
                                                                      : std::string_view();
        if (in_range && counted(departement, scope.departements)) {
          if (previous == nullptr) ++demand.opened;
          if (request->state() == wire::RequestState::admitted &&
              (previous == nullptr || previous->state != wire::RequestState::admitted)) {
            ++demand.admitted;
          }
          if (previous != nullptr || request->state() == wire::RequestState::admitted) {
            wire::PlacementRequestT now;
            request->UnPackTo(&now);
            demand.children_admitted += newly_admitted_children(previous, now);
          }
        }
      }
    }
    history.apply(event);
    result.sequence = event.sequence();
    return true;
  });
  if (!read) return read.error();
  while (day <= last_start) {
    const std::int64_t end = std::min(day + kDayMs - 1, scope.now_ms);
    emit_day(history.picture(), scope, day, end, demand, result);
    demand = {};
    day += kDayMs;
  }
  return result;
}

Answer answer_export(const BrokerState& state, std::uint64_t request_id, const wire::ExportRequest& request,
                     const RequestContext& context) {
  ExportScope scope;
  scope.from = request.from()->str();
  scope.to = request.to()->str();
  const std::string departement = request.departement() ? request.departement()->str() : std::string();
  scope.departements = departement.empty() ? readable_territories(*context.principal)
                                           : std::vector<std::string>{departement};
  if (departement.empty() && context.principal->role != wire::Role::admin && scope.departements.empty()) {
    return encode_error(request_id, make_error(wire::Status::forbidden, "aucun département dans son territoire"),
                        state.sequence);
  }
  scope.now_ms = context.now_ms;
  scope.stale_after_ms = state.stale_after_ms;
  return LogRead([scope, request_id, sequence = state.sequence](const Store& store) {
    auto result = export_series(store, scope);
    if (!result) return encode_error(request_id, result.error(), sequence);
    return encode_reply(request_id, wire::Status::ok, {}, sequence, [&](auto& builder) {
      return std::pair{wire::ReplyBody::ExportResult, wire::ExportResult::Pack(builder, &*result).Union()};
    });
  });
}

}  // namespace dispo::broker
