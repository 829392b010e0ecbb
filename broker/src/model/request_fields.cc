#include "request_fields.h"

#include <optional>
#include <string>

#include "dispo/schemas/text_rules.h"

namespace dispo::broker {
namespace {

using wire::kMaxNoteChars;
using wire::kMaxReferenceChars;

// Longest text the broker itself writes in a field a client may echo back (created_by, …).
constexpr std::size_t kMaxBookkeepingChars = 2 * kMaxReferenceChars;
constexpr std::size_t kMaxReasonChars = 200;

std::string_view text_of(const flatbuffers::String* value) {
  return value == nullptr ? std::string_view() : value->string_view();
}

// Runs checks in order and keeps the first refusal, prefixed by what is being checked.
class Checks {
 public:
  explicit Checks(std::string context) : context_(std::move(context)) {}

  Checks& text(std::string_view field, const flatbuffers::String* value, std::size_t max, bool required = false) {
    return run([&] { return wire::check_text(field, text_of(value), max, required); });
  }
  Checks& reference(std::string_view field, const flatbuffers::String* value, bool required = true) {
    if (value == nullptr && !required) return *this;
    return run([&] { return wire::check_reference(field, text_of(value)); });
  }
  Checks& facility_id(std::string_view field, const flatbuffers::String* value) {
    return run([&] { return wire::check_facility_id(field, text_of(value)); });
  }
  Checks& unit_id(std::string_view field, const flatbuffers::String* value, bool required = true) {
    if (!required && text_of(value).empty()) return *this;
    return run([&] { return wire::check_unit_id(field, text_of(value)); });
  }
  // An absent or empty département means "every département" where the field is optional.
  Checks& departement(std::string_view field, const flatbuffers::String* value, bool required = false) {
    if (!required && text_of(value).empty()) return *this;
    return run([&] { return wire::check_departement(field, text_of(value)); });
  }
  Checks& date(std::string_view field, const flatbuffers::String* value, bool required = true) {
    if (!required && text_of(value).empty()) return *this;
    return run([&] { return wire::check_date(field, text_of(value)); });
  }
  Checks& count(std::string_view field, std::uint64_t value, std::uint64_t max) {
    return run([&] { return wire::check_count(field, value, max); });
  }
  Checks& count(std::string_view field, std::optional<std::uint16_t> value, std::uint64_t max) {
    return value ? count(field, *value, max) : *this;
  }
  Checks& point(std::string_view field, double lat, double lon) {
    return run([&] { return wire::check_point(field, lat, lon); });
  }
  Checks& finite(std::string_view field, std::optional<double> value) {
    if (!value) return *this;
    return run([&] { return wire::check_finite(field, *value); });
  }
  // A pseudonymous child reference is never cited: it may be a name typed by mistake.
  Checks& child_ref(const flatbuffers::String* value) {
    if (failed() || wire::check_text("child_ref", text_of(value), kMaxReferenceChars, true)) return *this;
    error_ = make_error(wire::Status::invalid,
                        "child_ref : référence enfant refusée (UTF-8, sans caractère de contrôle, " +
                            std::to_string(kMaxReferenceChars) + " caractères au plus) — jamais le nom d'un enfant");
    return *this;
  }
  Checks& query(std::string_view field, const wire::SearchQuery* value) {
    if (value == nullptr || failed()) return *this;
    if (auto checked = check_query_fields(*value); !checked) {
      error_ = make_error(wire::Status::invalid, std::string(field) + ", " + checked.error().message);
    }
    return *this;
  }
  template <typename Check>
  Checks& also(Check check) {
    return run(check);
  }

  bool failed() const { return error_.has_value(); }

  Result<void> result() const {
    if (!error_) return {};
    return make_error(wire::Status::invalid, context_ + " : " + error_->message);
  }

 private:
  template <typename Check>
  Checks& run(Check check) {
    if (failed()) return *this;
    if (auto checked = check(); !checked) error_ = checked.error();
    return *this;
  }

  std::string context_;
  std::optional<Error> error_;
};

Result<void> check_unit(const wire::Unit& unit, std::size_t number) {
  Checks checks("unité n°" + std::to_string(number));
  checks.unit_id("id", unit.id())
      .text("name", unit.name(), wire::kMaxNameChars)
      .count("installed (places installées par unité)", unit.installed(), wire::kMaxInstalledPlaces)
      .count("max_siblings (fratrie accueillie ensemble)", unit.max_siblings(), wire::kMaxSiblingGroup);
  return checks.result();
}

Result<void> check_facility(const wire::Facility& facility, std::size_t number) {
  if (auto id = wire::check_facility_id("id", text_of(facility.id())); !id) {
    return make_error(wire::Status::invalid, "établissement n°" + std::to_string(number) + " : " + id.error().message);
  }
  Checks fields("établissement " + facility.id()->str());
  fields.text("name", facility.name(), wire::kMaxNameChars, true)
      .departement("departement", facility.departement(), true)
      .also([&]() -> Result<void> {
        if (text_of(facility.commune_insee()).empty()) return {};
        return wire::check_commune_insee("commune_insee", text_of(facility.commune_insee()));
      })
      .point("lat, lon", facility.lat(), facility.lon())
      .also([&] { return wire::check_phone("phone", text_of(facility.phone())); })
      .text("address", facility.address(), wire::kMaxNameChars)
      .date("derogation_end", facility.derogation_end(), false);
  if (fields.failed()) return fields.result();
  if (facility.units() == nullptr) return {};
  for (flatbuffers::uoffset_t i = 0; i < facility.units()->size(); ++i) {
    if (auto unit = check_unit(*facility.units()->Get(i), i + 1); !unit) {
      return fields.also([&] { return unit; }).result();
    }
  }
  return {};
}

Result<void> check_registration(const wire::Registration& registration) {
  if (registration.facilities() == nullptr) return {};
  for (flatbuffers::uoffset_t i = 0; i < registration.facilities()->size(); ++i) {
    if (auto checked = check_facility(*registration.facilities()->Get(i), i + 1); !checked) {
      return make_error(wire::Status::invalid, "enregistrement, " + checked.error().message);
    }
  }
  return {};
}

Result<void> check_update(const wire::AvailabilityUpdate& update) {
  constexpr auto max = wire::kMaxInstalledPlaces;
  return Checks("mise à jour des disponibilités")
      .facility_id("facility_id", update.facility_id())
      .unit_id("unit_id", update.unit_id())
      .count("occupied", update.occupied(), max)
      .count("available", update.available(), max)
      .count("reserved", update.reserved(), max)
      .count("closed", update.closed(), max)
      .count("free_24h", update.free_24h(), max)
      .count("free_72h", update.free_72h(), max)
      .result();
}

Result<void> check_principal(const wire::Principal* principal) {
  if (principal == nullptr) return {};
  Checks checks("principal");
  checks.reference("name", principal->name())
      .text("public_key", principal->public_key(), wire::kMaxKeyChars)
      .text("changed_by", principal->changed_by(), kMaxBookkeepingChars);
  if (principal->facilities() != nullptr) {
    for (const auto* id : *principal->facilities()) checks.facility_id("facilities", id);
  }
  if (principal->departements() != nullptr) {
    for (const auto* code : *principal->departements()) checks.departement("departements", code, true);
  }
  return checks.result();
}

Result<void> check_placement_request(const char* context, const wire::PlacementRequest* request) {
  if (request == nullptr) return {};
  Checks checks(context);
  checks.reference("id", request->id(), false)
      .child_ref(request->child_ref())
      .query("criteria", request->criteria())
      .reference("hold_id", request->hold_id(), false)
      .text("admitted_at", request->admitted_at(), kMaxBookkeepingChars)
      .text("note", request->note(), kMaxNoteChars)
      .text("created_by", request->created_by(), kMaxBookkeepingChars)
      .text("changed_by", request->changed_by(), kMaxBookkeepingChars)
      .text("cancel_reason", request->cancel_reason(), kMaxReasonChars);
  if (request->refusals() != nullptr) {
    for (const auto* refusal : *request->refusals()) {
      checks.text("refusals.facility_id", refusal->facility_id(), wire::kMaxFacilityIdChars)
          .text("refusals.unit_id", refusal->unit_id(), wire::kMaxUnitIdChars)
          .text("refusals.note", refusal->note(), kMaxNoteChars)
          .text("refusals.by", refusal->by(), kMaxBookkeepingChars);
    }
  }
  return checks.result();
}

Result<void> check_subscription(const wire::Subscription* subscription) {
  if (subscription == nullptr) return {};
  return Checks("abonnement")
      .reference("id", subscription->id(), false)
      .text("owner", subscription->owner(), kMaxBookkeepingChars)
      .query("query", subscription->query())
      .reference("request_id", subscription->request_id(), false)
      .departement("departement", subscription->departement())
      .count("threshold (places libres)", subscription->threshold(), wire::kMaxThreshold)
      .result();
}

}  // namespace

Result<void> check_query_fields(const wire::SearchQuery& query) {
  Checks checks("recherche");
  checks.departement("departement", query.departement());
  if (query.near_lat() && query.near_lon()) {
    checks.point("near_lat, near_lon", *query.near_lat(), *query.near_lon());
  } else {
    checks.finite("near_lat", query.near_lat()).finite("near_lon", query.near_lon());
  }
  checks.finite("max_km", query.max_km());
  return checks.result();
}

// The rules for the body of `request`, by its type.
static Result<void> check_body_fields(const wire::Request& request) {
  using Body = wire::RequestBody;
  switch (request.body_type()) {
    case Body::Registration:
      return check_registration(*request.body_as_Registration());
    case Body::AvailabilityUpdate:
      return check_update(*request.body_as_AvailabilityUpdate());
    case Body::Confirmation: {
      const auto& confirmation = *request.body_as_Confirmation();
      return Checks("confirmation")
          .facility_id("facility_id", confirmation.facility_id())
          .unit_id("unit_id", confirmation.unit_id(), false)
          .result();
    }
    case Body::SearchQuery:
      return check_query_fields(*request.body_as_SearchQuery());
    case Body::SnapshotRequest:
      return Checks("instantané").departement("departement", request.body_as_SnapshotRequest()->departement()).result();
    case Body::FacilityRequest:
      return Checks("fiche d'établissement")
          .facility_id("facility_id", request.body_as_FacilityRequest()->facility_id())
          .result();
    case Body::PrincipalGrant:
      return check_principal(request.body_as_PrincipalGrant()->principal());
    case Body::PrincipalRevoke:
      return Checks("révocation").reference("name", request.body_as_PrincipalRevoke()->name()).result();
    case Body::BackupRequest:
      return Checks("sauvegarde")
          .text("directory", request.body_as_BackupRequest()->directory(), wire::kMaxPathChars, true)
          .result();
    case Body::PlacementRequestOpen:
      return check_placement_request("demande de placement", request.body_as_PlacementRequestOpen()->request());
    case Body::PlacementRequestUpdate:
      return check_placement_request("modification de demande", request.body_as_PlacementRequestUpdate()->request());
    case Body::PlacementRequestCancel: {
      const auto& cancel = *request.body_as_PlacementRequestCancel();
      return Checks("annulation")
          .reference("id", cancel.id())
          .text("reason", cancel.reason(), kMaxReasonChars)
          .result();
    }
    case Body::PlacementRequestQuery: {
      const auto& query = *request.body_as_PlacementRequestQuery();
      return Checks("liste des demandes")
          .reference("id", query.id(), false)
          .departement("departement", query.departement())
          .result();
    }
    case Body::HoldPlace: {
      const auto& hold = *request.body_as_HoldPlace();
      return Checks("réservation")
          .facility_id("facility_id", hold.facility_id())
          .unit_id("unit_id", hold.unit_id())
          .reference("request_id", hold.request_id())
          .text("split_reason", hold.split_reason(), kMaxNoteChars)
          .also([&]() -> Result<void> {
            if (hold.children() == nullptr || hold.children()->size() <= wire::kMaxSiblingGroup) return {};
            return make_error(wire::Status::invalid, "children : au plus " + std::to_string(wire::kMaxSiblingGroup) +
                                                         " enfants par réservation");
          })
          .result();
    }
    case Body::HoldEnd: {
      const auto& end = *request.body_as_HoldEnd();
      return Checks("fin de réservation").reference("hold_id", end.hold_id()).text("note", end.note(), kMaxNoteChars).result();
    }
    case Body::Subscribe:
      return check_subscription(request.body_as_Subscribe()->subscription());
    case Body::Unsubscribe:
      return Checks("désabonnement").reference("id", request.body_as_Unsubscribe()->id()).result();
    case Body::CapacityRequest:
      return Checks("capacité").departement("departement", request.body_as_CapacityRequest()->departement()).result();
    case Body::ExportRequest: {
      const auto& series = *request.body_as_ExportRequest();
      return Checks("export")
          .departement("departement", series.departement())
          .date("from", series.from())
          .date("to", series.to())
          .result();
    }
    case Body::RecordRequest:
      return Checks("relevé").reference("request_id", request.body_as_RecordRequest()->request_id()).result();
    case Body::WebLogin: {  // never cite the password
      const auto& login = *request.body_as_WebLogin();
      return Checks("connexion web")
          .reference("name", login.name())
          .also([&] { return wire::check_secret("password", text_of(login.password()), wire::kMaxPasswordFieldBytes); })
          .result();
    }
    case Body::WebEnrol: {  // never cite the code or the hash
      const auto& enrol = *request.body_as_WebEnrol();
      return Checks("activation web")
          .reference("name", enrol.name())
          .also([&] { return wire::check_secret("code", text_of(enrol.code()), wire::kMaxEnrolmentCodeBytes); })
          .also([&] {
            return wire::check_secret("password_hash", text_of(enrol.password_hash()), wire::kMaxPasswordHashBytes);
          })
          .result();
    }
    case Body::WebAccountReset: {
      const auto& reset = *request.body_as_WebAccountReset();
      return Checks("compte web")
          .reference("name", reset.name())
          .also([&] { return wire::check_secret("code_hash", text_of(reset.code_hash()), wire::kMaxCodeHashBytes); })
          .result();
    }
    case Body::ClusterChange: {
      const auto& change = *request.body_as_ClusterChange();
      return Checks("changement du cluster").text("raft_address", change.raft_address(), 128).result();
    }
    default:
      return {};  // no text or count: AlertFetch, AlertAck, lists; unknown types are refused later
  }
}

Result<void> check_request_fields(const wire::Request& request) {
  if (request.on_behalf_of() != nullptr && request.on_behalf_of()->size() > 0) {
    if (auto person = Checks("requête").reference("on_behalf_of", request.on_behalf_of()).result(); !person) {
      return person;
    }
  }
  return check_body_fields(request);
}

}  // namespace dispo::broker
