// The shared reading of an answer's JSON: the checks every body gets before it is parsed
// (empty, HTML, too deep, malformed, numbers too large), and FieldReader, which reads fields
// that may be missing, null, strings or numbers exactly or says which one is wrong.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "gpubill/providers/api_call.hpp"
#include "gpubill/util/error.hpp"
#include "providers/answer_internal.hpp"

namespace gpubill::providers {

using internal::one_line;
using internal::t_exact_floats;
using nlohmann::json;

const char* json_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "null";
  }
}

std::size_t json_nesting_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

namespace internal {

// What every JSON answer is checked for before it is parsed.
void check_json_text(std::string_view body, const Endpoint& ep) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw ProviderError(ep.prefix() + ": empty response: the provider sent no data; try again "
                        "later");
  }
  if (looks_like_html(body)) {
    throw ProviderError(ep.prefix() + ": got " + error_message_from_body(body) +
                        " instead of JSON: check the base URL or a proxy in between");
  }
  // Copying and printing JSON recurse once per level: a hostile answer nested a million deep
  // would overflow the stack. Billing answers are a handful of levels deep.
  if (json_nesting_depth(body) > k_max_json_depth) {
    throw ProviderError(ep.prefix() + ": the answer is nested more than " +
                        std::to_string(k_max_json_depth) + " levels deep: not a billing answer");
  }
}

[[noreturn]] void throw_malformed(const Endpoint& ep, std::size_t byte, std::size_t size) {
  throw ProviderError(ep.prefix() + ": malformed JSON at byte " + std::to_string(byte) + " of " +
                      std::to_string(size) + " (truncated or not JSON): try again later");
}

[[noreturn]] void throw_number_too_large(const Endpoint& ep) {
  // Found by fuzzing: a number such as 4E444444 overflows a double inside the parser.
  throw ProviderError(ep.prefix() + ": malformed JSON: a number too large for any amount");
}

thread_local ExactFloats t_exact_floats;

bool needs_exact_text(const std::string& text) {
  std::size_t digits = 0;
  bool leading = true;
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    ++digits;
  }
  return digits > 15;
}

}  // namespace internal

using internal::check_json_text;
using internal::throw_malformed;
using internal::throw_number_too_large;

void detail::require_object(const json& item, const Endpoint& endpoint, const std::string& where) {
  if (item.is_object()) return;
  throw ProviderError(endpoint.prefix() + ": " + where + " is " +
                      (item.is_array() ? "an array" : item.is_string() ? "a string"
                       : item.is_number() ? "a number" : item.is_null() ? "null" : "not an object") +
                      ", expected an object");
}

json parse_json_text(std::string_view body, const Endpoint& ep) {
  check_json_text(body, ep);
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    throw_malformed(ep, e.byte, body.size());
  } catch (const json::out_of_range&) {
    throw_number_too_large(ep);
  } catch (const json::exception&) {
    throw ProviderError(ep.prefix() + ": malformed JSON: not a billing answer");
  }
}

json parse_json_body(const transport::HttpResponse& r, const Endpoint& ep) {
  return parse_json_text(r.body, ep);
}

FieldReader::FieldReader(const json& object, const Endpoint& endpoint, std::string where)
    : m_object(object), m_endpoint(endpoint), m_where(std::move(where)) {}

bool FieldReader::has(const char* key) const {
  auto it = m_object.find(key);
  return it != m_object.end() && !it->is_null();
}

void FieldReader::fail(const char* key, const std::string& problem) const {
  throw ProviderError(m_endpoint.prefix() + ": " + m_where + ": field '" + key + "' " + problem);
}

std::optional<model::Decimal> FieldReader::decimal(const char* key) const {
  auto it = m_object.find(key);
  if (it == m_object.end() || it->is_null()) return std::nullopt;
  const json& v = *it;
  std::optional<model::Decimal> d;
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    d = model::Decimal::parse(std::to_string(v.get<long long>()));
  } else if (v.is_number_unsigned()) {
    d = model::Decimal::parse(std::to_string(v.get<unsigned long long>()));
  } else if (v.is_number_float()) {
    d = model::Decimal::from_double(v.get<double>());
    if (t_exact_floats.element == &m_object) {
      // The element's own text for it, when a double could not hold it: exact.
      for (auto e = t_exact_floats.texts->rbegin(); e != t_exact_floats.texts->rend(); ++e) {
        if (e->first == key) {
          d = model::Decimal::parse(e->second);
          break;
        }
      }
    }
  } else if (v.is_string()) {
    std::string s = v.get<std::string>();
    d = model::Decimal::parse(s);
    if (!d) {
      // Plain decimal text that does not fit is out of range, not "not a number".
      std::size_t digits = std::count_if(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
      bool plain = digits > 0 && s.find_first_not_of("+-.0123456789") == std::string::npos;
      if (plain) fail(key, "is out of range (|x| must be below 1e18)");
      fail(key, "is not a number: \"" + one_line(s, 40) + "\"");
    }
  } else {
    fail(key, std::string("is ") + json_type_name(v) + ", expected a number");
  }
  if (!d) fail(key, "is out of range (|x| must be below 1e18)");
  return d;
}

std::optional<std::string> FieldReader::string(const char* key) const {
  auto it = m_object.find(key);
  if (it == m_object.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  fail(key, std::string("is ") + json_type_name(*it) + ", expected a string");
}

std::optional<long long> FieldReader::integer(const char* key) const {
  auto it = m_object.find(key);
  if (it == m_object.end() || it->is_null()) return std::nullopt;
  const json& v = *it;
  if (v.is_number_unsigned()) {
    unsigned long long u = v.get<unsigned long long>();
    if (u > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
      fail(key, "is out of range");
    }
    return static_cast<long long>(u);
  }
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
      return static_cast<long long>(d);
    }
    fail(key, "is not a whole number");
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    long long out = 0;
    std::from_chars_result res = std::from_chars(s.data(), s.data() + s.size(), out);
    if (res.ec == std::errc{} && res.ptr == s.data() + s.size() && !s.empty()) return out;
    if (res.ec == std::errc::result_out_of_range) fail(key, "is out of range");
    fail(key, "is not a whole number: \"" + one_line(s, 40) + "\"");
  }
  fail(key, std::string("is ") + json_type_name(v) + ", expected a whole number");
}

std::optional<model::Decimal> FieldReader::scaled_integer(const char* key, long long divisor,
                                                         bool allow_negative) const {
  // A count of 1/divisor units. Documented as whole numbers, but a value with decimals is read
  // exactly, not refused, and a negative one is a credit (a refund), kept with its sign.
  std::optional<model::Decimal> d = decimal(key);
  if (!d) return std::nullopt;
  if (*d < model::Decimal{} && !allow_negative) fail(key, "is negative (" + d->to_string() + ")");
  return d->divided_by(divisor);
}

}  // namespace gpubill::providers
