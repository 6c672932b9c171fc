// fmt's implementation, compiled once for the whole build.
//
// Debian ships fmt only as a shared library, and binaries that travel to a GPU
// machine (scripts/pack-device.sh) must not need libfmt.so. Header-only mode
// (FMT_HEADER_ONLY) compiled this implementation into every unit that includes
// <fmt/format.h>: 5.7 s of CPU per unit at -O3 (host/commands/info.cpp 7.6 s
// against 1.9 s, g++ 12, 2026-12-05), about 100 units a build. Here it is
// compiled once, and the units see only declarations.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
// The templates that <fmt/format.h> declares extern or only declares, for the
// character types and floating-point types the program formats.
template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template FMT_API locale_ref::locale_ref(const std::locale& loc);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
}  // namespace detail
FMT_END_NAMESPACE
