#include <catch2/catch.hpp>

#include <stdexcept>

#include "gpubill/model/decimal.hpp"

using gpubill::model::Decimal;

namespace {
std::string round_trip(const char* text) {
  std::optional<Decimal> d = Decimal::parse(text);
  REQUIRE(d.has_value());
  return d->to_string();
}
}  // namespace

TEST_CASE("decimal: parses plain and exponent text exactly", "[model][decimal]") {
  CHECK(round_trip("0") == "0");
  CHECK(round_trip("-0") == "0");
  CHECK(round_trip("12") == "12");
  CHECK(round_trip("+12.50") == "12.5");
  CHECK(round_trip("-0.5") == "-0.5");
  CHECK(round_trip("64.532916") == "64.532916");
  CHECK(round_trip("0.006994259194") == "0.006994259194");
  CHECK(round_trip(".5") == "0.5");
  CHECK(round_trip("5.") == "5");
  CHECK(round_trip("1.25e-3") == "0.00125");
  CHECK(round_trip("1.5E+2") == "150");
  CHECK(round_trip("1e-12") == "0.000000000001");
  CHECK(round_trip("00012.3400") == "12.34");
  CHECK(round_trip("999999999999999999.999999999999") == "999999999999999999.999999999999");
}

TEST_CASE("decimal: rounds beyond 12 places half to even", "[model][decimal]") {
  CHECK(round_trip("0.0000000000005") == "0");               // tie, 0 is even
  CHECK(round_trip("0.0000000000015") == "0.000000000002");  // tie, rounds to even 2
  CHECK(round_trip("0.00000000000150001") == "0.000000000002");
  CHECK(round_trip("0.0000000000025") == "0.000000000002");
  CHECK(round_trip("0.00000000000251") == "0.000000000003");
  CHECK(round_trip("-0.00000000000251") == "-0.000000000003");
  CHECK(round_trip("0.00000000000049") == "0");
  CHECK(round_trip("1e-400") == "0");
  CHECK(round_trip("0.30000000000000004") == "0.3");
}

TEST_CASE("decimal: rejects bad and out-of-range text", "[model][decimal]") {
  for (const char* bad : {"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "12a", " 12", "12 ",
                          "1,000", "0x10", "NaN", "inf", "--1", "1e19", "1000000000000000000",
                          "123456789012345678901234567890123456789012345"}) {
    INFO("input: '" << bad << "'");
    CHECK_FALSE(Decimal::parse(bad).has_value());
  }
  CHECK(Decimal::parse("999999999999999999").has_value());
}

TEST_CASE("decimal: doubles convert through their shortest text", "[model][decimal]") {
  CHECK(Decimal::from_double(64.532916)->to_string() == "64.532916");
  CHECK(Decimal::from_double(0.1)->to_string() == "0.1");
  CHECK(Decimal::from_double(0.1 + 0.2)->to_string() == "0.3");  // 0.30000000000000004
  CHECK(Decimal::from_double(1e-13)->to_string() == "0");
  CHECK(Decimal::from_double(-2.5)->to_string() == "-2.5");
  CHECK_FALSE(Decimal::from_double(1e300).has_value());
  CHECK_FALSE(Decimal::from_double(std::numeric_limits<double>::quiet_NaN()).has_value());
  CHECK_FALSE(Decimal::from_double(std::numeric_limits<double>::infinity()).has_value());
}

TEST_CASE("decimal: sums are exact where doubles drift", "[model][decimal]") {
  Decimal sum;
  double dsum = 0;
  for (int i = 0; i < 1000; ++i) {
    sum += *Decimal::parse("0.1");
    dsum += 0.1;
  }
  CHECK(sum.to_string() == "100");
  CHECK(dsum != 100.0);  // the drift this type exists to avoid
  CHECK((*Decimal::parse("0.1") + *Decimal::parse("0.2")).to_string() == "0.3");
  CHECK((*Decimal::parse("1") - *Decimal::parse("1.000000000001")).to_string() ==
        "-0.000000000001");
}

TEST_CASE("decimal: multiplication and division round half to even", "[model][decimal]") {
  CHECK((*Decimal::parse("1.08") * *Decimal::parse("100.5")).to_string() == "108.54");
  CHECK((*Decimal::parse("-2") * *Decimal::parse("0.5")).to_string() == "-1");
  CHECK((*Decimal::parse("0.000001") * *Decimal::parse("0.0000005")).to_string() == "0");
  CHECK((*Decimal::parse("0.000001") * *Decimal::parse("0.0000015")).to_string() ==
        "0.000000000002");
  CHECK((*Decimal::parse("123456789012.5") * *Decimal::parse("1000000")).to_string() ==
        "123456789012500000");
  CHECK(Decimal::from_int(9000000).divided_by(3600000).to_string() == "2.5");
  CHECK(Decimal::from_int(1).divided_by(3).to_string() == "0.333333333333");
  CHECK(Decimal::from_int(2).divided_by(3).to_string() == "0.666666666667");
  CHECK(Decimal::from_int(12345).divided_by(10000).to_string() == "1.2345");
  CHECK_THROWS_AS(Decimal::from_int(1).divided_by(0), std::invalid_argument);
}

TEST_CASE("decimal: overflow is an error, never a wrap", "[model][decimal]") {
  Decimal big = *Decimal::parse("999999999999999999");
  CHECK_THROWS_AS(big * big, std::overflow_error);
  Decimal sum = big;
  CHECK_NOTHROW(sum += big);  // sums may grow past the parse limit, to 1e21
  Decimal huge = Decimal::from_units(Decimal::k_one * Decimal::k_one * 1'000'000'000 * 999);
  CHECK_THROWS_AS(huge + huge, std::overflow_error);
}

TEST_CASE("decimal: fixed display rounds half away from zero", "[model][decimal]") {
  CHECK(Decimal::parse("1.005")->to_fixed(2) == "1.01");
  CHECK(Decimal::parse("1.004999")->to_fixed(2) == "1.00");
  CHECK(Decimal::parse("-1.005")->to_fixed(2) == "-1.01");
  CHECK(Decimal::parse("-0.001")->to_fixed(2) == "0.00");
  CHECK(Decimal::parse("12")->to_fixed(2) == "12.00");
  CHECK(Decimal::parse("0.999")->to_fixed(0) == "1");
  CHECK(Decimal::parse("64.532916")->to_fixed(2) == "64.53");
}

TEST_CASE("decimal: division by a decimal is exact to 12 places, half to even", "[model][decimal]") {
  auto d = [](const char* s) { return *Decimal::parse(s); };
  CHECK(d("37796.16").divided_by(d("5952")).to_string() == "6.350161290323");
  CHECK(d("1").divided_by(d("3")).to_string() == "0.333333333333");
  CHECK(d("2").divided_by(d("3")).to_string() == "0.666666666667");
  CHECK(d("-2").divided_by(d("3")).to_string() == "-0.666666666667");
  CHECK(d("10").divided_by(d("0.25")).to_string() == "40");
  // Exactly half a unit in the 13th place: to even.
  CHECK(d("0.000000000001").divided_by(d("2")).to_string() == "0");
  CHECK(d("0.000000000003").divided_by(d("2")).to_string() == "0.000000000002");
  CHECK_THROWS_AS(d("999999999999999999").divided_by(d("0.000000000001")), std::overflow_error);
  CHECK_THROWS_AS(d("1").divided_by(d("0")), std::invalid_argument);
  CHECK_THROWS_AS(d("1").divided_by(d("-1")), std::invalid_argument);
}
