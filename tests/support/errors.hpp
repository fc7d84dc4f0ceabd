#pragma once
// Checking the one-line errors parsers throw.
#include <string>

#include <catch2/catch.hpp>

#include "gpubill/util/error.hpp"

namespace gpubill::test {

/// `call` must throw ProviderError whose message starts with `prefix` (provider and endpoint),
/// contains `expected`, and is one line.
template <typename Call>
void check_provider_error(Call&& call, const std::string& prefix, const std::string& expected) {
  try {
    call();
    FAIL("no error; expected one containing: " << expected);
  } catch (const ProviderError& e) {
    std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith(prefix));
    CHECK_THAT(what, Catch::Contains(expected));
    CHECK(what.find('\n') == std::string::npos);
  }
}

/// The message of the ProviderError `call` throws; fails the test if it throws none.
template <typename Call>
std::string provider_error_message(Call&& call) {
  try {
    call();
  } catch (const ProviderError& e) {
    return e.what();
  }
  FAIL("no ProviderError was thrown");
  return {};
}

}  // namespace gpubill::test
