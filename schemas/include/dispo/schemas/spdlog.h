// spdlog, for every dispo file that logs: include this rather than <spdlog/spdlog.h>.
//
// Debian's fmt 9 ships fmt::detail::vformat_to<char> compiled in libfmt, but its headers do not
// declare it `extern`: each file that logs then compiles all of fmt's formatting again (about 4 s
// of a -O2 compile). Declared here as an explicit instantiation, it is taken from libfmt instead.
// GCC only: libfmt is built by GCC, and clang (the fuzzing build) mangles this signature
// differently, so it keeps its own copy.
#pragma once

#include <fmt/format.h>

#if defined(__GNUC__) && !defined(__clang__)
namespace fmt {
FMT_BEGIN_DETAIL_NAMESPACE
extern template FMT_API void vformat_to<char>(buffer<char>&, basic_string_view<char>,
                                              basic_format_args<FMT_BUFFER_CONTEXT(char)>, locale_ref);
FMT_END_DETAIL_NAMESPACE
}  // namespace fmt
#endif

#include <spdlog/spdlog.h>
