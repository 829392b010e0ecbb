// The rules for every text and count field of the contract (dispo.fbs states each limit beside
// its field), shared by the broker, which checks every inbound request with them, and by the
// publishers' CSV check, so both refuse the same things with the same words.
//
// Each check returns an `invalid` Error whose French message names the field (`field`, as the
// caller calls it: a schema field or a CSV column) and the rule broken, and cites the refused
// value only through quoted() (escaped and cut), never as raw bytes. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dispo/schemas/result.h"

namespace dispo::wire {

// Limits, in characters (Unicode code points), stated in dispo.fbs.
inline constexpr std::size_t kMaxNameChars = 200;        // Facility.name
inline constexpr std::size_t kMaxPhoneChars = 30;        // Facility.phone
inline constexpr std::size_t kMaxFacilityIdChars = 16;   // Facility.id: FINESS (9) or the département's own id
inline constexpr std::size_t kMaxUnitIdChars = 32;       // Unit.id
inline constexpr std::size_t kMaxReferenceChars = 64;    // request, hold, subscription ids, principal names, child_ref
inline constexpr std::size_t kMaxNoteChars = 500;        // notes, cancel reasons
inline constexpr std::size_t kMaxKeyChars = 40;          // CURVE public key, Z85
inline constexpr std::size_t kMaxPathChars = 4096;       // BackupRequest.directory
// Web accounts (issue #13), in bytes: what a person types (a password, an enrolment code with its
// dashes and spaces) and the hashes dispo-admin and dispo-web send (argon2id string, BLAKE2b hex).
inline constexpr std::size_t kMaxPasswordFieldBytes = 1024;   // = web_secrets.h kMaxPasswordBytes
inline constexpr std::size_t kMaxEnrolmentCodeBytes = 64;
inline constexpr std::size_t kMaxPasswordHashBytes = 128;     // crypto_pwhash_STRBYTES
inline constexpr std::size_t kMaxCodeHashBytes = 64;

// Counts: the most places a unit can have installed (a unit is one group of a facility; a larger
// figure is a typing error), and the largest sibling group a unit can take together.
inline constexpr std::uint16_t kMaxInstalledPlaces = 999;
inline constexpr std::uint8_t kMaxSiblingGroup = 12;
// The most free places a territory threshold (Subscription.threshold) can name.
inline constexpr std::uint32_t kMaxThreshold = 100'000;

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Free text: valid UTF-8, no control character (C0 including line breaks and tabs, DEL, C1), at
// most `max_chars` characters; empty only when not `required`.
Result<void> check_text(std::string_view field, std::string_view value, std::size_t max_chars,
                        bool required = false);

// A département code: 01 to 95 (no 20), 2A, 2B, 971 to 976.
bool is_departement(std::string_view code);
Result<void> check_departement(std::string_view field, std::string_view value);

// A facility id: FINESS-like, a département prefix (two digits, 2A or 2B) then digits or capital
// letters, 9 to 16 characters in all: "590001234" (FINESS), "59S000001", "974S000001" (the
// département's own ids, e.g. for foster carers).
Result<void> check_facility_id(std::string_view field, std::string_view value);

// A unit id: 1 to 32 letters, digits, "-", "_" or ".": "u1", "af2", "maison-3".
Result<void> check_unit_id(std::string_view field, std::string_view value);

// A commune's INSEE code: five characters, digits, or 2A/2B then three digits.
Result<void> check_commune_insee(std::string_view field, std::string_view value);

// A 24/7 phone number: digits, spaces and . - + ( ), 10 to 15 digits, 30 characters at most.
Result<void> check_phone(std::string_view field, std::string_view value);

// An identifier or pseudonymous reference: 1 to `max_chars` visible ASCII characters among
// letters, digits and - _ . : / @ (no space).
Result<void> check_reference(std::string_view field, std::string_view value,
                             std::size_t max_chars = kMaxReferenceChars);

// A secret (a password, an enrolment code, a hash of one): present, valid UTF-8, at most
// `max_bytes` bytes. The message names the field and the rule and NEVER cites the value.
Result<void> check_secret(std::string_view field, std::string_view value, std::size_t max_bytes);

// A calendar date "YYYY-MM-DD" that exists.
Result<void> check_date(std::string_view field, std::string_view value);

// A point: finite latitude within ±90 and longitude within ±180 (NaN and infinities refused).
Result<void> check_point(std::string_view field, double lat, double lon);

// A finite number (NaN and infinities refused).
Result<void> check_finite(std::string_view field, double value);

// A count no greater than `max`.
Result<void> check_count(std::string_view field, std::uint64_t value, std::uint64_t max);

}  // namespace dispo::wire
