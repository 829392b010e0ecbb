// check_request_fields (issue #11): every text and count field of every request body is checked
// against the contract's rules before anything reads it; a refusal names the request, the field
// and the rule, and never repeats raw client bytes or a child reference.
#include "model/request_fields.h"

#include <gtest/gtest.h>

#include <limits>

#include "dispo/schemas/text_rules.h"
#include "hostile_text.h"

namespace dispo::broker {
namespace {

using testing::hostile_facilities;
using testing::plain_facility;
using testing::registration_body;

// The refusal's message for a request carrying `body` (sent on behalf of `person` when given),
// or "" when accepted.
std::string refusal(wire::RequestBodyUnion body, std::string person = {}) {
  wire::RequestT request;
  request.request_id = 1;
  request.client_id = "test";
  request.body = std::move(body);
  request.on_behalf_of = std::move(person);
  const std::string frame = wire::pack(request);
  auto message = wire::decode(frame.data(), frame.size());
  EXPECT_TRUE(message);
  if (!message) return "undecodable";
  auto checked = check_request_fields(*(*message)->body_as_Request());
  if (checked) return "";
  EXPECT_EQ(checked.error().status, wire::Status::invalid);
  return checked.error().message;
}

template <typename T>
wire::RequestBodyUnion body_of(T table) {
  wire::RequestBodyUnion body;
  body.Set(std::move(table));
  return body;
}

void expect_clean(const std::string& message) {
  EXPECT_TRUE(wire::is_valid_utf8(message)) << message;
  for (unsigned char c : message) EXPECT_FALSE(c < 0x20 || c == 0x7f) << "control byte in: " << message;
}

TEST(RequestFieldsTest, APlainRegistrationPasses) { EXPECT_EQ(refusal(registration_body(plain_facility())), ""); }

TEST(RequestFieldsTest, EveryHostileRegistrationIsRefusedNamingItsField) {
  for (const auto& hostile : hostile_facilities()) {
    const std::string message = refusal(registration_body(hostile.facility));
    EXPECT_EQ(message.rfind("enregistrement, établissement ", 0), 0u) << hostile.name << ": " << message;
    EXPECT_NE(message.find(hostile.field + " "), std::string::npos) << hostile.name << ": " << message;
    EXPECT_LT(message.size(), 600u) << hostile.name << ": a refused value is cited cut";
    expect_clean(message);
  }
}

TEST(RequestFieldsTest, RefusalsSayTheRule) {
  auto installed = plain_facility();
  installed.units[0]->installed = 65'535;
  EXPECT_EQ(refusal(registration_body(installed)),
            "enregistrement, établissement 590000001 : unité n°1 : installed (places installées par unité) : "
            "65535, 999 au plus");
  auto siblings = plain_facility();
  siblings.units[0]->max_siblings = 200;
  EXPECT_NE(refusal(registration_body(siblings)).find("max_siblings"), std::string::npos);
  auto commune = plain_facility();
  commune.commune_insee = "Lille";
  EXPECT_NE(refusal(registration_body(commune)).find("commune_insee : code INSEE"), std::string::npos);
  auto derogation = plain_facility();
  derogation.derogation_end = "2026-13-01";
  EXPECT_NE(refusal(registration_body(derogation)).find("derogation_end : date"), std::string::npos);
}

TEST(RequestFieldsTest, SearchesRefuseNanInfinityAndBadDepartements) {
  EXPECT_NE(refusal(testing::nan_search_body()).find("recherche : near_lat, near_lon : coordonnées non finies"),
            std::string::npos);
  wire::SearchQueryT infinite_radius;
  infinite_radius.near_lat = 50.6;
  infinite_radius.near_lon = 3.0;
  infinite_radius.max_km = std::numeric_limits<double>::infinity();
  EXPECT_NE(refusal(body_of(std::move(infinite_radius))).find("max_km : nombre non fini"), std::string::npos);
  wire::SearchQueryT lone_nan;
  lone_nan.near_lat = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(refusal(body_of(std::move(lone_nan))).find("near_lat"), std::string::npos);
  wire::SearchQueryT huge;
  huge.departement = std::string(10'000, '9');
  EXPECT_NE(refusal(body_of(std::move(huge))).find("departement : département"), std::string::npos);
  wire::SearchQueryT plain;
  plain.departement = "2A";
  plain.near_lat = 41.9;
  plain.near_lon = 8.7;
  plain.max_km = 30;
  EXPECT_EQ(refusal(body_of(std::move(plain))), "");
}

TEST(RequestFieldsTest, UpdatesLookupsAndWorkflowRequestsAreChecked) {
  wire::AvailabilityUpdateT update;
  update.facility_id = "590000001";
  update.unit_id = "u1";
  update.free_72h = 65'535;
  EXPECT_NE(refusal(body_of(std::move(update))).find("free_72h : 65535, 999 au plus"), std::string::npos);
  wire::FacilityRequestT lookup;
  lookup.facility_id = "\x1b[2J";
  const auto message = refusal(body_of(std::move(lookup)));
  EXPECT_NE(message.find("fiche d'établissement : facility_id"), std::string::npos) << message;
  expect_clean(message);
  wire::HoldEndT end;
  end.hold_id = "H-3";
  end.note = "\x1b[2Jvu";
  EXPECT_NE(refusal(body_of(std::move(end))).find("note : caractère de contrôle"), std::string::npos);
  wire::SubscribeT subscribe;
  subscribe.subscription = std::make_unique<wire::SubscriptionT>();
  subscribe.subscription->kind = wire::SubscriptionKind::territory;
  subscribe.subscription->departement = "59";
  subscribe.subscription->threshold = 4'000'000'000u;
  EXPECT_NE(refusal(body_of(std::move(subscribe))).find("threshold"), std::string::npos);
  wire::ExportRequestT series;
  series.from = "2026-09-01";
  series.to = "2026-09-31";
  EXPECT_NE(refusal(body_of(std::move(series))).find("to : date"), std::string::npos);
  wire::PrincipalGrantT grant;
  grant.principal = std::make_unique<wire::PrincipalT>();
  grant.principal->name = "astreinte-59";
  grant.principal->departements = {"59", "99"};
  EXPECT_NE(refusal(body_of(std::move(grant))).find("departements : département « 99 » inconnu"), std::string::npos);
}

TEST(RequestFieldsTest, AChildReferenceIsNeverCited) {
  wire::PlacementRequestOpenT open;
  open.request = std::make_unique<wire::PlacementRequestT>();
  open.request->child_ref = "Jean Dupont\x1b[2J";
  open.request->criteria = std::make_unique<wire::SearchQueryT>();
  open.request->criteria->departement = "59";
  const auto message = refusal(body_of(std::move(open)));
  EXPECT_NE(message.find("child_ref : référence enfant refusée"), std::string::npos) << message;
  EXPECT_EQ(message.find("Dupont"), std::string::npos) << message;
}

TEST(RequestFieldsTest, TheGatewaysPersonIsAPrincipalName) {
  wire::SnapshotRequestT snapshot;
  EXPECT_EQ(refusal(body_of(snapshot), "astreinte-59"), "");
  const auto message = refusal(body_of(snapshot), "astreinte 59\n" + std::string(100, 'x'));
  EXPECT_EQ(message.rfind("requête : on_behalf_of : identifiant ", 0), 0u) << message;
  expect_clean(message);
}

TEST(RequestFieldsTest, WebSecretsAreBoundedAndNeverCited) {
  const std::string password = "mot-de-passe-secret-" + std::string(1100, 'p');
  wire::WebLoginT login;
  login.name = "astreinte-59";
  login.password = "une phrase de passe solide";
  EXPECT_EQ(refusal(body_of(login)), "");
  login.password = password;
  auto message = refusal(body_of(login));
  EXPECT_NE(message.find("connexion web : password : trop long (1120 octets, au plus 1024)"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  login.password = "";
  EXPECT_NE(refusal(body_of(login)).find("password : manquant"), std::string::npos);
  login.password = "secret\xff\xfe-pas-utf8";
  message = refusal(body_of(login));
  EXPECT_NE(message.find("password : texte qui n'est pas de l'UTF-8 valide"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  login.password = "une phrase de passe solide";
  login.name = "Jean Dupont";
  EXPECT_NE(refusal(body_of(login)).find("connexion web : name : identifiant"), std::string::npos);

  wire::WebEnrolT enrol;
  enrol.name = "astreinte-59";
  enrol.code = "K7PQ-3MXD-AB12-CD34";
  enrol.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2VjcmV0$aGFzaA";
  EXPECT_EQ(refusal(body_of(enrol)), "");
  enrol.code = "CODESECRET-" + std::string(60, 'Z');
  message = refusal(body_of(enrol));
  EXPECT_NE(message.find("activation web : code : trop long (71 octets, au plus 64)"), std::string::npos) << message;
  EXPECT_EQ(message.find("CODESECRET"), std::string::npos) << message;
  enrol.code = "K7PQ-3MXD-AB12-CD34";
  enrol.password_hash = std::string(200, 'h');
  EXPECT_NE(refusal(body_of(enrol)).find("password_hash : trop long"), std::string::npos);

  wire::WebAccountResetT reset;
  reset.name = "astreinte-59";
  reset.code_hash = std::string(64, 'a');
  EXPECT_EQ(refusal(body_of(reset)), "");
  reset.code_hash = std::string(65, 'a');
  EXPECT_NE(refusal(body_of(reset)).find("compte web : code_hash : trop long"), std::string::npos);
}

}  // namespace
}  // namespace dispo::broker
