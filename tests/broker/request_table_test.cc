// The request table (request_table.h, issue #12): every request type has its entry, and the role ×
// request matrix written once in broker/README.md is what the broker does — each request type is
// sent as each role through the real Dispatcher (a real store in a temporary directory) and the
// answer is compared with the matrix: forbidden where it says "–", anything else where it says "✔".
#include "server/request_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "server/dispatcher.h"
#include "dispo/schemas/curve_keys.h"
#include "hostile_text.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

using Body = wire::RequestBody;

TEST(RequestTableTest, EveryRequestTypeHasItsEntryAndNothingElseHasOne) {
  EXPECT_EQ(request_entry(Body::NONE), nullptr);
  for (int value = 1; value <= static_cast<int>(Body::MAX); ++value) {
    const RequestEntry* entry = request_entry(static_cast<Body>(value));
    ASSERT_NE(entry, nullptr) << wire::EnumNameRequestBody(static_cast<Body>(value));
    EXPECT_EQ(entry->type, static_cast<Body>(value));
    EXPECT_NE(entry->authorise, nullptr);
    switch (entry->handling) {
      case Handling::read: EXPECT_NE(entry->read, nullptr); break;
      case Handling::write: EXPECT_NE(entry->write, nullptr); break;
      case Handling::report: EXPECT_NE(entry->report, nullptr); break;
      case Handling::backup: break;
      case Handling::cluster: break;
    }
  }
  EXPECT_EQ(request_entry(static_cast<Body>(static_cast<int>(Body::MAX) + 1)), nullptr);
  EXPECT_EQ(request_entry(static_cast<Body>(250)), nullptr);
}

TEST(RequestTableTest, ATypeTheBrokerDoesNotKnowIsForbiddenToEveryone) {
  wire::PrincipalT admin;
  admin.name = "admin";
  admin.role = wire::Role::admin;
  // A frame naming a union member this broker does not have (a newer client's), with a body.
  flatbuffers::FlatBufferBuilder builder;
  const auto body = wire::CreateSearchQuery(builder).Union();
  wire::RequestBuilder request(builder);
  request.add_request_id(1);
  request.add_body_type(static_cast<Body>(static_cast<int>(Body::MAX) + 1));
  request.add_body(body);
  builder.Finish(request.Finish());
  const auto* raw = flatbuffers::GetRoot<wire::Request>(builder.GetBufferPointer());
  AvailabilityIndex index;
  Workflow workflow;
  auto allowed = authorise(admin, *raw, index, workflow);
  ASSERT_FALSE(allowed) << "a type outside the table must never be allowed, not even to an admin";
  EXPECT_EQ(allowed.error().status, wire::Status::forbidden);
}

// One request of each type, aimed at the principals' scope (département 59, facility 590000001)
// and valid for the field rules, so that only authorisation can refuse it.
wire::RequestBodyUnion body_of(Body type) {
  wire::RequestBodyUnion body;
  switch (type) {
    case Body::Registration: {
      wire::RegistrationT registration;
      registration.facilities.push_back(std::make_unique<wire::FacilityT>(testing::plain_facility("590000001")));
      body.Set(std::move(registration));
      break;
    }
    case Body::AvailabilityUpdate: {
      wire::AvailabilityUpdateT update;
      update.facility_id = "590000001";
      update.unit_id = "u1";
      update.available = 1;
      body.Set(std::move(update));
      break;
    }
    case Body::Confirmation: {
      wire::ConfirmationT confirmation;
      confirmation.facility_id = "590000001";
      body.Set(std::move(confirmation));
      break;
    }
    case Body::SearchQuery: {
      wire::SearchQueryT query;
      query.departement = "59";
      body.Set(std::move(query));
      break;
    }
    case Body::SnapshotRequest: {
      wire::SnapshotRequestT snapshot;
      snapshot.departement = "59";
      body.Set(std::move(snapshot));
      break;
    }
    case Body::FacilityRequest: {
      wire::FacilityRequestT facility;
      facility.facility_id = "590000001";
      body.Set(std::move(facility));
      break;
    }
    case Body::PrincipalGrant: {
      wire::PrincipalGrantT grant;
      grant.principal = std::make_unique<wire::PrincipalT>();
      grant.principal->name = "astreinte-nouvelle";
      grant.principal->public_key = wire::generate_key_pair().public_key;
      grant.principal->role = wire::Role::on_call;
      grant.principal->departements = {"59"};
      body.Set(std::move(grant));
      break;
    }
    case Body::PrincipalRevoke: {
      wire::PrincipalRevokeT revoke;
      revoke.name = "astreinte-nouvelle";
      body.Set(std::move(revoke));
      break;
    }
    case Body::PrincipalListRequest:
      body.Set(wire::PrincipalListRequestT{});
      break;
    case Body::BackupRequest: {
      wire::BackupRequestT backup;
      backup.directory = "/nonexistent/dispo-matrix-backup";
      body.Set(std::move(backup));
      break;
    }
    case Body::PlacementRequestOpen: {
      wire::PlacementRequestOpenT open;
      open.request = std::make_unique<wire::PlacementRequestT>();
      open.request->child_ref = "E59-0001";
      open.request->origin = wire::Origin::hospital;
      open.request->criteria = std::make_unique<wire::SearchQueryT>();
      open.request->criteria->departement = "59";
      open.request->criteria->children.push_back(std::make_unique<wire::ChildT>());
      body.Set(std::move(open));
      break;
    }
    case Body::PlacementRequestUpdate: {
      wire::PlacementRequestUpdateT update;
      update.request = std::make_unique<wire::PlacementRequestT>();
      update.request->id = "R-1";
      update.request->child_ref = "E59-0001";
      body.Set(std::move(update));
      break;
    }
    case Body::PlacementRequestCancel: {
      wire::PlacementRequestCancelT cancel;
      cancel.id = "R-1";
      body.Set(std::move(cancel));
      break;
    }
    case Body::PlacementRequestQuery: {
      wire::PlacementRequestQueryT query;
      query.departement = "59";
      body.Set(std::move(query));
      break;
    }
    case Body::HoldPlace: {
      wire::HoldPlaceT hold;
      hold.facility_id = "590000001";
      hold.unit_id = "u1";
      hold.request_id = "R-1";
      body.Set(std::move(hold));
      break;
    }
    case Body::HoldEnd: {
      wire::HoldEndT end;
      end.hold_id = "H-1";
      body.Set(std::move(end));
      break;
    }
    case Body::Subscribe: {
      wire::SubscribeT subscribe;
      subscribe.subscription = std::make_unique<wire::SubscriptionT>();
      subscribe.subscription->kind = wire::SubscriptionKind::search;
      subscribe.subscription->query = std::make_unique<wire::SearchQueryT>();
      subscribe.subscription->query->departement = "59";
      body.Set(std::move(subscribe));
      break;
    }
    case Body::Unsubscribe: {
      wire::UnsubscribeT unsubscribe;
      unsubscribe.id = "S-1";
      body.Set(std::move(unsubscribe));
      break;
    }
    case Body::AlertFetch:
      body.Set(wire::AlertFetchT{});
      break;
    case Body::AlertAck:
      body.Set(wire::AlertAckT{});
      break;
    case Body::SubscriptionQuery:
      body.Set(wire::SubscriptionQueryT{});
      break;
    case Body::CapacityRequest: {
      wire::CapacityRequestT capacity;
      capacity.departement = "59";
      body.Set(std::move(capacity));
      break;
    }
    case Body::ExportRequest: {
      wire::ExportRequestT request;
      request.departement = "59";
      request.from = "2026-09-01";
      request.to = "2026-09-21";
      body.Set(std::move(request));
      break;
    }
    case Body::RecordRequest: {
      wire::RecordRequestT record;
      record.request_id = "R-1";
      body.Set(std::move(record));
      break;
    }
    case Body::WebLogin: {
      wire::WebLoginT login;
      login.name = "astreinte-59";
      login.password = "un mot de passe assez long";
      body.Set(std::move(login));
      break;
    }
    case Body::WebEnrol: {
      wire::WebEnrolT enrol;
      enrol.name = "astreinte-59";
      enrol.code = "ABCD-EFGH-IJKL-MNOP";
      enrol.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
      body.Set(std::move(enrol));
      break;
    }
    case Body::WebAccountReset: {
      wire::WebAccountResetT reset;
      reset.name = "astreinte-59";
      reset.code_hash = std::string(64, 'a');
      body.Set(std::move(reset));
      break;
    }
    case Body::ClusterStatusRequest:
      body.Set(wire::ClusterStatusRequestT{});
      break;
    case Body::ClusterChange: {
      wire::ClusterChangeT change;
      change.action = wire::ClusterAction::transfer;
      body.Set(std::move(change));
      break;
    }
    default:
      break;
  }
  return body;
}

const std::vector<std::string> kRoles = {"facility", "on_call", "hospital", "judge", "observatory", "admin", "gateway"};

struct MatrixRow {
  std::string handling;
  std::map<std::string, bool> allowed;  // by role name
};

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" `");
  const auto last = text.find_last_not_of(" `");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// The table between <!-- request-matrix --> and <!-- /request-matrix --> in broker/README.md.
std::map<std::string, MatrixRow> read_matrix() {
  std::ifstream file(DISPO_BROKER_README);
  std::map<std::string, MatrixRow> rows;
  std::string line;
  bool inside = false;
  std::vector<std::string> header;
  while (std::getline(file, line)) {
    if (line.find("<!-- request-matrix -->") != std::string::npos) inside = true;
    if (line.find("<!-- /request-matrix -->") != std::string::npos) break;
    if (!inside || !line.starts_with("|") || line.starts_with("|---")) continue;
    std::vector<std::string> cells;
    std::stringstream stream(line.substr(1));
    std::string cell;
    while (std::getline(stream, cell, '|')) cells.push_back(trim(cell));
    if (header.empty()) {
      header = cells;
      continue;
    }
    MatrixRow row;
    row.handling = cells.at(1);
    for (std::size_t i = 2; i < cells.size() && i < header.size(); ++i) row.allowed[header[i]] = cells[i] == "✔";
    rows[cells.at(0)] = row;
  }
  return rows;
}

const char* handling_name(Handling handling) {
  switch (handling) {
    case Handling::read: return "read";
    case Handling::write: return "write";
    case Handling::report: return "report";
    case Handling::backup: return "backup";
    case Handling::cluster: return "cluster";
  }
  return "?";
}

class RequestMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    replies = std::make_unique<ReplyCache>(*store);
    dispatcher = std::make_unique<Dispatcher>(state, *replies, *store, 1u << 20);
    for (const char* name : {"astreinte-59", "astreinte-nouvelle"}) {  // named by revoke and web-reset
      wire::PrincipalT known = principal_of("on_call");
      known.name = name;
      known.web = true;
      state.principals.put(std::move(known));
    }
    dispatcher->set_backup_handler([this](const wire::Request& request, const RequestOrigin&) {
      return encode_error(request.request_id(), make_error(wire::Status::storage_error, "pas de sauvegarde ici"),
                          state.sequence);
    });
    dispatcher->set_cluster_handler([this](const wire::Request& request, const RequestOrigin&) {
      return encode_error(request.request_id(), make_error(wire::Status::unavailable, "pas de cluster ici"),
                          state.sequence);
    });
  }

  static wire::PrincipalT principal_of(const std::string& role) {
    wire::PrincipalT who;
    who.name = "test-" + role;
    wire::Role value = wire::Role::facility;
    for (auto candidate : wire::EnumValuesRole()) {
      if (role == wire::EnumNameRole(candidate)) value = candidate;
    }
    who.role = value;
    who.departements = {"59"};
    if (value == wire::Role::facility) who.facilities = {"590000001"};
    return who;
  }

  // The status of `type` sent by `who`, on a fresh batch (nothing is committed); its message in
  // `message`.
  wire::Status status_of(Body type, const wire::PrincipalT& who, std::string* message = nullptr) {
    wire::RequestT request;
    request.request_id = ++next_id;
    request.client_id = "matrix";
    request.body = body_of(type);
    PendingCommit pending(store->batch());
    const std::string reply =
        dispatcher->handle("test", who, wire::pack(request), pending, 1'790'000'000'000, "2026-09-21");
    auto decoded = wire::decode(reply.data(), reply.size());
    if (!decoded) return wire::Status::malformed;
    if (message != nullptr && (*decoded)->body_as_Reply()->message()) *message = (*decoded)->body_as_Reply()->message()->str();
    return (*decoded)->body_as_Reply()->status();
  }

  testing::TempDir dir;
  std::unique_ptr<Store> store;
  BrokerState state;
  std::unique_ptr<ReplyCache> replies;
  std::unique_ptr<Dispatcher> dispatcher;
  std::uint64_t next_id = 0;
};

TEST_F(RequestMatrixTest, EveryRequestAsEveryRoleIsAnsweredAsTheReadmeMatrixSays) {
  const auto matrix = read_matrix();
  ASSERT_EQ(matrix.size(), static_cast<std::size_t>(Body::MAX)) << "one row per request type in broker/README.md";
  for (int value = 1; value <= static_cast<int>(Body::MAX); ++value) {
    const auto type = static_cast<Body>(value);
    const std::string name = wire::EnumNameRequestBody(type);
    const auto row = matrix.find(name);
    ASSERT_NE(row, matrix.end()) << name << " is missing from the matrix in broker/README.md";
    EXPECT_EQ(row->second.handling, handling_name(request_entry(type)->handling)) << name;
    for (const auto& role : kRoles) {
      const auto cell = row->second.allowed.find(role);
      ASSERT_NE(cell, row->second.allowed.end()) << name << " × " << role;
      std::string message;
      const wire::Status status = status_of(type, principal_of(role), &message);
      EXPECT_NE(status, wire::Status::invalid) << name << " × " << role << ": the test's request is not valid: "
                                               << message;
      EXPECT_NE(status, wire::Status::malformed) << name << " × " << role;
      // A refusal of authorisation names who was refused ("refusé à « … »"); a handler's own
      // refusal (a wrong password is forbidden too) does not.
      const bool refused = status == wire::Status::forbidden && message.starts_with("refusé à «");
      if (cell->second) {
        EXPECT_FALSE(refused) << name << " × " << role << " should be allowed: " << message;
      } else {
        EXPECT_TRUE(refused)
            << name << " × " << role << " should be refused, got " << wire::EnumNameStatus(status) << ": " << message;
      }
    }
  }
}

TEST_F(RequestMatrixTest, ARevokedKeyIsRefusedEverything) {
  for (const auto& role : kRoles) {
    wire::PrincipalT who = principal_of(role);
    who.revoked = true;
    for (int value = 1; value <= static_cast<int>(Body::MAX); ++value) {
      EXPECT_EQ(status_of(static_cast<Body>(value), who), wire::Status::forbidden)
          << wire::EnumNameRequestBody(static_cast<Body>(value)) << " × revoked " << role;
    }
  }
}

}  // namespace
}  // namespace dispo::broker
