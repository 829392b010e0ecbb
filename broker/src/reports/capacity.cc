#include "capacity.h"

#include <algorithm>
#include <map>

#include "access/authorisation.h"
#include "history.h"
#include "model/replies.h"
#include "model/sibling_group.h"
#include "matching/suitability.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

bool counted(std::string_view departement, const std::vector<std::string>& departements) {
  return departements.empty() ||
         std::find(departements.begin(), departements.end(), departement) != departements.end();
}

// Nearest-rank percentile of sorted values (p in 0..100).
std::int64_t percentile(const std::vector<std::int64_t>& sorted, int p) {
  if (sorted.empty()) return 0;
  const std::size_t rank = (sorted.size() * p + 99) / 100;  // ceil(p/100 * n)
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

std::int64_t median(const std::vector<std::int64_t>& sorted) {
  if (sorted.empty()) return 0;
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

void add_supply(const FacilityRecord& record, const CapacityScope& scope,
                std::map<std::pair<int, int>, wire::CapacityRowT>& rows) {
  for (const UnitRecord& unit : record.units) {
    const wire::AvailabilityT& a = unit.availability;
    const bool stale = is_stale(a, scope.at_ms, scope.stale_after_ms);
    for (int band = 0; band < static_cast<int>(std::size(kAgeBands)); ++band) {
      if (unit.unit.age_max < kAgeBands[band].min || unit.unit.age_min > kAgeBands[band].max) continue;
      wire::CapacityRowT& row = rows[{static_cast<int>(record.facility.kind), band}];
      row.kind = record.facility.kind;
      row.age_band = kAgeBands[band].name;
      row.installed += unit.unit.installed;
      (stale ? row.stale : row.free) += a.available;
      row.reserved += a.reserved;
      row.closed += a.closed;
    }
  }
}

}  // namespace

std::string_view request_departement(const wire::PlacementRequestT& request) {
  return request.criteria ? std::string_view(request.criteria->departement) : std::string_view();
}

wire::CapacityReportT capacity_report(const AvailabilityIndex& index,
                                      const Workflow::ById<wire::PlacementRequestT>& requests,
                                      const CapacityScope& scope) {
  wire::CapacityReportT report;
  report.at = scope.at_ms;
  report.sequence = scope.sequence;
  report.departement = scope.departement;

  const std::string today = local_date(scope.at_ms);
  std::map<std::pair<int, int>, wire::CapacityRowT> rows;
  for (const auto& [id, record] : index.facilities()) {
    if (!counted(record.facility.departement, scope.departements)) continue;
    if (!is_authorised(record.facility, today)) continue;
    add_supply(record, scope, rows);
  }
  for (auto& [key, row] : rows) {
    if (row.installed > 0) report.rows.push_back(std::make_unique<wire::CapacityRowT>(std::move(row)));
  }

  std::map<int, std::vector<std::int64_t>> waits;
  std::map<int, std::uint32_t> children;
  std::vector<std::int64_t> court;
  for (const auto& [id, request] : requests) {
    if (!is_pending(request) || !counted(request_departement(request), scope.departements)) continue;
    const std::int64_t wait_s = std::max<std::int64_t>(0, (scope.at_ms - request.waiting_since) / 1000);
    waits[static_cast<int>(request.origin)].push_back(wait_s);
    children[static_cast<int>(request.origin)] += waiting_children(request);
    if (is_court_ordered(request)) {
      court.push_back(wait_s);
      report.court_children_waiting += waiting_children(request);
    }
  }
  for (int origin = static_cast<int>(wire::Origin::MIN); origin <= static_cast<int>(wire::Origin::MAX); ++origin) {
    auto& values = waits[origin];
    std::sort(values.begin(), values.end());
    auto row = std::make_unique<wire::DemandRowT>();
    row->origin = static_cast<wire::Origin>(origin);
    row->open = static_cast<std::uint32_t>(values.size());
    row->median_wait_s = median(values);
    row->p90_wait_s = percentile(values, 90);
    row->longest_wait_s = values.empty() ? 0 : values.back();
    row->children_waiting = children[origin];
    report.demand.push_back(std::move(row));
  }
  report.court_unexecuted = static_cast<std::uint32_t>(court.size());
  report.court_longest_wait_s = court.empty() ? 0 : *std::max_element(court.begin(), court.end());
  return report;
}

Answer answer_capacity(const BrokerState& state, std::uint64_t request_id, const wire::CapacityRequest& request,
                       const RequestContext& context) {
  CapacityScope scope;
  scope.stale_after_ms = state.stale_after_ms;
  scope.departement = request.departement() ? request.departement()->str() : std::string();
  scope.departements = scope.departement.empty() ? readable_territories(*context.principal)
                                                 : std::vector<std::string>{scope.departement};
  if (scope.departement.empty() && context.principal->role != wire::Role::admin && scope.departements.empty()) {
    return encode_error(request_id, make_error(wire::Status::forbidden, "aucun département dans son territoire"),
                        state.sequence);
  }
  const auto reply = [request_id, sequence = state.sequence](const wire::CapacityReportT& report) {
    return encode_reply(request_id, wire::Status::ok, {}, sequence, [&](auto& builder) {
      return std::pair{wire::ReplyBody::CapacityReport, wire::CapacityReport::Pack(builder, &report).Union()};
    });
  };
  if (!request.at().has_value()) {
    scope.at_ms = context.now_ms;
    scope.sequence = state.sequence;
    return reply(capacity_report(state.index, state.workflow.requests, scope));
  }
  if (auto checked = check_past_moment(*request.at(), context.now_ms); !checked) {
    return encode_error(request_id, checked.error(), state.sequence);
  }
  scope.at_ms = *request.at();
  return LogRead([scope, reply, request_id, sequence = state.sequence](const Store& store) mutable {
    auto picture = replay(store, ReplayLimit{std::nullopt, scope.at_ms});
    if (!picture) return encode_error(request_id, picture.error(), sequence);
    scope.sequence = picture->sequence;
    return reply(capacity_report(picture->index, picture->requests, scope));
  });
}

}  // namespace dispo::broker
