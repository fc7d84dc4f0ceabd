#pragma once
// Exact decimal numbers for money and usage.
//
// A Decimal is a signed count of 1e-12 units held in a 128-bit integer. Twelve fractional
// digits cover every amount the provider docs show (Runpod sends 12-decimal amounts such as
// 0.006994259194; Novita sends 1/10000 USD integers), and 128 bits leave room to add up
// billions of rows without overflow. Values are limited to |x| < 1e18 so no sum of realistic
// size can overflow; operations check anyway and throw std::overflow_error.
//
// JSON numbers arrive as doubles. They are converted once, at the parser, through the
// shortest decimal text that round-trips the double (std::to_chars), which is exactly the
// text the server sent whenever it sent at most 15 significant digits; where gpubill reads the
// answer with its own SAX reader (Runpod v1), longer number texts are kept and parsed instead
// (docs/architecture.md). Digits beyond the 12th fractional place are rounded half to even.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpubill::model {

class Decimal {
 public:
  __extension__ typedef __int128 Rep;  // GCC/Clang 128-bit integer
  /// Rep as stored: 8-byte aligned (a typedef may lower alignment in GCC and Clang), so that an
  /// optional<Decimal> is 24 bytes, not 32: a CostRecord holds two (docs/performance.md).
  __extension__ typedef __int128 StoredRep __attribute__((aligned(8)));
  static constexpr int k_scale = 12;                 ///< fractional digits kept
  static constexpr Rep k_one = 1'000'000'000'000;    ///< units per 1

  constexpr Decimal() = default;

  /// Parses plain or exponent decimal text: "12", "-0.5", "1.25e-3", "+3E2". No spaces, no
  /// thousands separators. Returns nullopt for anything else, and for |x| >= 1e18.
  static std::optional<Decimal> parse(std::string_view text);
  /// Converts a double through its shortest round-trip text. nullopt for NaN, inf, |x| >= 1e18.
  static std::optional<Decimal> from_double(double value);
  static Decimal from_int(std::int64_t value);
  static constexpr Decimal from_units(Rep units) { Decimal d; d.m_units = units; return d; }

  constexpr Rep units() const { return m_units; }
  constexpr bool is_zero() const { return m_units == 0; }
  constexpr bool is_negative() const { return m_units < 0; }

  /// Throws std::overflow_error when the result leaves the representable range.
  Decimal operator+(Decimal other) const;
  Decimal operator-(Decimal other) const;
  Decimal& operator+=(Decimal other) { return *this = *this + other; }
  Decimal operator-() const { return from_units(-m_units); }
  /// Exact multiplication, rounded half to even at 12 places. Throws std::overflow_error.
  Decimal operator*(Decimal other) const;
  /// Division by a positive integer, rounded half to even at 12 places.
  Decimal divided_by(std::int64_t divisor) const;
  /// Division by a positive decimal, rounded half to even at 12 places. Throws
  /// std::invalid_argument for a divisor <= 0, std::overflow_error out of range.
  Decimal divided_by(Decimal divisor) const;

  constexpr auto operator<=>(const Decimal&) const = default;

  /// Full precision, no exponent, no trailing zeros: "12", "-0.5", "0.000000000001".
  std::string to_string() const;
  /// Rounded half away from zero to `places` digits, always printing them: "12.30".
  std::string to_fixed(int places) const;

 private:
  StoredRep m_units = 0;
};

}  // namespace gpubill::model
