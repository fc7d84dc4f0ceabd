#include "gpubill/model/decimal.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace gpubill::model {

namespace {

using Rep = Decimal::Rep;

constexpr Rep pow10(int n) {
  Rep r = 1;
  for (int i = 0; i < n; ++i) {
    r *= 10;
  }
  return r;
}

// |x| < 1e18 in units of 1e-12 means |units| < 1e30.
constexpr Rep k_limit = pow10(18 + Decimal::k_scale);

// Divides rounding half to even. divisor > 0.
Rep div_half_even(Rep value, Rep divisor) {
  Rep q = value / divisor;
  Rep r = value % divisor;
  if (r == 0) {
    return q;
  }
  Rep twice = (r < 0 ? -r : r) * 2;
  bool away = twice > divisor || (twice == divisor && (q % 2 != 0));
  if (away) {
    q += value < 0 ? -1 : 1;
  }
  return q;
}

std::string rep_to_digits(Rep v) {  // v >= 0
  if (v <= static_cast<Rep>(std::numeric_limits<std::uint64_t>::max())) {
    // Nearly every amount: one 64-bit conversion instead of a 128-bit division per digit.
    char buf[24];
    std::to_chars_result res = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint64_t>(v));
    return std::string(buf, res.ptr);
  }
  std::string s;
  while (v > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  // Collect significant digits (at most 40, beyond which the value is out of range or the
  // digits are far below our resolution) and the decimal exponent they imply.
  std::string digits;
  int exponent = 0;  // value = digits * 10^exponent
  bool any_digit = false;
  bool dropped_nonzero = false;  // a nonzero digit too far right to keep
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    any_digit = true;
    if (digits.empty() && text[i] == '0') {
      continue;
    }
    if (digits.size() < 40) {
      digits.push_back(text[i]);
    } else {
      return std::nullopt;  // more than 40 integer digits: out of range
    }
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    bool frac_digit = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      frac_digit = true;
      any_digit = true;
      if (digits.empty() && text[i] == '0') {
        --exponent;
        continue;
      }
      if (digits.size() < 40) {
        digits.push_back(text[i]);
        --exponent;
      } else if (text[i] != '0') {
        dropped_nonzero = true;
      }
    }
    if (!frac_digit && !any_digit) {
      return std::nullopt;
    }
  }
  if (!any_digit) {
    return std::nullopt;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    int e = 0;
    bool exp_digit = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      exp_digit = true;
      if (e < 10000) {
        e = e * 10 + (text[i] - '0');
      }
    }
    if (!exp_digit) {
      return std::nullopt;
    }
    exponent += exp_negative ? -e : e;
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  if (digits.empty()) {
    return Decimal{};
  }
  // units = digits * 10^(exponent + k_scale)
  int shift = exponent + k_scale;
  int magnitude = static_cast<int>(digits.size()) + shift;  // digits before the units point
  if (magnitude > 30) {
    return std::nullopt;
  }
  Rep units = 0;
  if (shift >= 0) {
    for (char c : digits) {
      units = units * 10 + (c - '0');
    }
    units *= pow10(shift);
  } else {
    // Drop the digits below one unit and round on them, half to even.
    std::size_t drop = static_cast<std::size_t>(-shift);
    if (drop > digits.size() + 1) {
      return Decimal{};  // below a tenth of a unit: rounds to zero
    }
    if (drop >= digits.size()) {
      digits.insert(0, drop - digits.size() + 1, '0');
    }
    std::size_t keep = digits.size() - drop;
    for (std::size_t k = 0; k < keep; ++k) {
      units = units * 10 + (digits[k] - '0');
    }
    int first = digits[keep] - '0';
    bool rest_nonzero = dropped_nonzero ||
        digits.find_first_not_of('0', keep + 1) != std::string::npos;
    if (first > 5 || (first == 5 && (rest_nonzero || units % 2 != 0))) {
      units += 1;
    }
  }
  if (units >= k_limit) {
    return std::nullopt;
  }
  return from_units(negative ? -units : units);
}

std::optional<Decimal> Decimal::from_double(double value) {
  if (!std::isfinite(value)) {
    return std::nullopt;
  }
  char buf[64];
  std::to_chars_result res = std::to_chars(buf, buf + sizeof buf, value);
  if (res.ec != std::errc{}) {
    return std::nullopt;
  }
  return parse(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
}

Decimal Decimal::from_int(std::int64_t value) {
  return from_units(static_cast<Rep>(value) * k_one);
}

Decimal Decimal::operator+(Decimal other) const {
  Rep r = 0;
  if (__builtin_add_overflow(m_units, other.m_units, &r) || r >= k_limit * 1000 ||
      r <= -k_limit * 1000) {
    throw std::overflow_error("decimal sum out of range");
  }
  return from_units(r);
}

Decimal Decimal::operator-(Decimal other) const { return *this + (-other); }

Decimal Decimal::operator*(Decimal other) const {
  // (a/1e12)*(b/1e12) = a*b/1e24 -> units a*b/1e12. Split to avoid overflow of a*b.
  Rep a = m_units;
  Rep b = other.m_units;
  bool negative = (a < 0) != (b < 0);
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  Rep a_hi = a / k_one;
  Rep a_lo = a % k_one;
  // a*b/1e12 = a_hi*b + a_lo*b/1e12
  Rep hi = 0;
  if (__builtin_mul_overflow(a_hi, b, &hi)) {
    throw std::overflow_error("decimal product out of range");
  }
  Rep lo_prod = 0;
  if (__builtin_mul_overflow(a_lo, b, &lo_prod)) {
    // a_lo < 1e12 and b < 1e33: product < 1e45 may overflow; fall back to splitting b.
    Rep b_hi = b / k_one;
    Rep b_lo = b % k_one;
    Rep part = a_lo * b_hi;  // < 1e12 * 1e21
    Rep rest = div_half_even(a_lo * b_lo, k_one);
    lo_prod = part + rest;
    Rep sum = 0;
    if (__builtin_add_overflow(hi, lo_prod, &sum) || sum >= k_limit * 1000) {
      throw std::overflow_error("decimal product out of range");
    }
    return from_units(negative ? -sum : sum);
  }
  Rep sum = 0;
  if (__builtin_add_overflow(hi, div_half_even(lo_prod, k_one), &sum) || sum >= k_limit * 1000) {
    throw std::overflow_error("decimal product out of range");
  }
  return from_units(negative ? -sum : sum);
}

Decimal Decimal::divided_by(std::int64_t divisor) const {
  if (divisor <= 0) {
    throw std::invalid_argument("divisor must be positive");
  }
  return from_units(div_half_even(m_units, divisor));
}

Decimal Decimal::divided_by(Decimal divisor) const {
  if (divisor.m_units <= 0) {
    throw std::invalid_argument("divisor must be positive");
  }
  // Long division of |units| by the divisor's units, 12 fractional digits, then half to even.
  Rep a = m_units < 0 ? -m_units : m_units;
  Rep b = divisor.m_units;
  constexpr Rep k_max = std::numeric_limits<Rep>::max();
  if (b > k_max / 10) throw std::overflow_error("decimal division out of range");
  Rep whole = a / b;
  Rep rest = a % b;
  if (whole > k_max / k_one) throw std::overflow_error("decimal division out of range");
  Rep frac = 0;
  for (int i = 0; i < k_scale; ++i) {
    rest *= 10;
    frac = frac * 10 + rest / b;
    rest %= b;
  }
  Rep result = whole * k_one + frac;
  if (rest * 2 > b || (rest * 2 == b && result % 2 != 0)) ++result;
  return from_units(m_units < 0 ? -result : result);
}

std::string Decimal::to_string() const {
  Rep v = m_units < 0 ? -m_units : m_units;
  std::string whole = rep_to_digits(v / k_one);
  std::string frac = rep_to_digits(v % k_one);
  std::string out = m_units < 0 ? "-" : "";
  out += whole;
  if (v % k_one != 0) {
    frac.insert(0, static_cast<std::size_t>(k_scale) - frac.size(), '0');
    while (!frac.empty() && frac.back() == '0') {
      frac.pop_back();
    }
    out += "." + frac;
  }
  return out;
}

std::string Decimal::to_fixed(int places) const {
  places = std::clamp(places, 0, k_scale);
  Rep v = m_units < 0 ? -m_units : m_units;
  Rep step = pow10(k_scale - places);
  Rep rounded = (v + step / 2) / step;  // half away from zero
  Rep scale = pow10(places);
  std::string out = (m_units < 0 && rounded != 0) ? "-" : "";
  out += rep_to_digits(rounded / scale);
  if (places > 0) {
    std::string frac = rep_to_digits(rounded % scale);
    frac.insert(0, static_cast<std::size_t>(places) - frac.size(), '0');
    out += "." + frac;
  }
  return out;
}

}  // namespace gpubill::model
