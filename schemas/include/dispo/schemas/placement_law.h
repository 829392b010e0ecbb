// The rules of the law and of the care itself that every component applies the same way (issue
// #12: written once, called by the broker, the publishers' CSV check and the CLI alike).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dispo::wire {

// Child protection covers minors and young adults under a contrat jeune majeur: ages 0 to 21.
inline constexpr int kMaxChildAge = 21;

// Where a child may not be placed, quoted in every refusal of such a place.
inline constexpr std::string_view kPlacementLaw =
    "CASF L.221-2-3 : l'accueil d'un enfant de l'ASE à l'hôtel, en gîte, en location ou dans un lieu "
    "non autorisé est interdit";

// The last day ("YYYY-MM-DD") an emergency derogation granted on `today` may run to: two months
// later, clamped to the end of a shorter month (12-31 → 02-28/29). `today` itself if unreadable.
std::string derogation_limit(std::string_view today);

// Freshness (DESIGN.md §3): availability never confirmed (confirmed_at_ms == 0), or confirmed more
// than `stale_after_ms` before `now_ms`, is stale — shown with its age, never counted as free.
// A limit of 0 means no limit: only never-confirmed data is stale.
bool is_stale(std::int64_t confirmed_at_ms, std::int64_t now_ms, std::int64_t stale_after_ms);

}  // namespace dispo::wire
