#pragma once
// What every adapter needs around one HTTP call: turn transport failures and error statuses
// into one-line typed errors, read the JSON body defensively, and read fields that may be
// missing, null, strings or numbers. Adapters keep only their URLs, fields and quirks.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpubill/model/decimal.hpp"
#include "gpubill/transport/transport.hpp"
#include "gpubill/util/error.hpp"

namespace gpubill::providers {

/// Names one endpoint in messages: "runpod: GET /billing/pods".
struct Endpoint {
  std::string provider;  ///< "runpod"
  std::string key_env;   ///< "RUNPOD_API_KEY", named in auth errors
  std::string label;     ///< "GET /billing/pods"
  std::string prefix() const { return provider + ": " + label; }
};

/// Extra advice for a status, e.g. Runpod's "404: the v1 API may be retired". nullopt = none.
using StatusHint = std::function<std::optional<std::string>(long status)>;

/// The most useful one-line message in an error body: JSON {message}, {error} (string or
/// {message}), {reason}, {detail}, {title}, prefixed by `reason` when both exist and followed
/// by `invalid_fields` and `request_id` when present; an HTML page's <title>; else the start
/// of the text.
/// Control characters removed, at most 200 characters, secrets scrubbed. Empty if none.
std::string error_message_from_body(std::string_view body);

/// Returns normally only for a 2xx response. Otherwise throws:
/// - AuthError for 401 and 403 ("... 401 Unauthorized: <message>: check RUNPOD_API_KEY");
/// - ProviderError for transport failures (timeout, connection, TLS, too large) and every
///   other status, with the body's message, the hint and the number of attempts made.
void check_response(const transport::HttpResponse& response, const Endpoint& endpoint,
                    const StatusHint& hint = {});

/// Parses a 2xx body as JSON. Throws ProviderError for an empty body, an HTML page, or text
/// that is not JSON (the message gives the parse position, never the body).
nlohmann::json parse_json_body(const transport::HttpResponse& response, const Endpoint& endpoint);
/// The same checks on a body alone (parsers tested on fixture files use this).
nlohmann::json parse_json_text(std::string_view body, const Endpoint& endpoint);

namespace detail {
inline const nlohmann::json& deref(const nlohmann::json& j) { return j; }
inline const nlohmann::json& deref(const nlohmann::json* j) { return *j; }
}  // namespace detail

/// Calls fn(item, where) for every element of `items` (a JSON array, or a vector of pointers
/// into one), `where` being "<noun> N" counted from 1 for error messages. An element that is
/// not an object is a ProviderError naming it.
template <typename Items, typename Fn>
void for_each_object(const Items& items, const Endpoint& endpoint, const std::string& noun,
                     Fn&& fn) {
  std::size_t index = 0;
  for (const auto& element : items) {
    const nlohmann::json& item = detail::deref(element);
    std::string where = noun + " " + std::to_string(++index);
    if (!item.is_object()) {
      throw ProviderError(endpoint.prefix() + ": " + where + " is " +
                          (item.is_array() ? "an array" : item.is_string() ? "a string"
                           : item.is_number() ? "a number" : item.is_null() ? "null" : "not an object") +
                          ", expected an object");
    }
    fn(item, where);
  }
}

/// Field readers for one object of a response. `where` names it in errors ("record 3").
/// Missing or null -> nullopt; a value of the wrong type -> ProviderError naming the field.
/// The deepest nesting of [ and { in JSON text (strings skipped), without parsing it.
std::size_t json_nesting_depth(std::string_view text);
/// Deeper answers are refused (parse_json_text) before anything recurses over them.
inline constexpr std::size_t k_max_json_depth = 64;

/// "an object", "an array", "a string", "a boolean", "a number" or "null", for messages.
const char* json_type_name(const nlohmann::json& v);

class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, const Endpoint& endpoint, std::string where);
  /// A JSON number or a numeric string, exactly (floats via their shortest text).
  std::optional<model::Decimal> decimal(const char* key) const;
  /// A JSON string (numbers are accepted and printed as they came).
  std::optional<std::string> string(const char* key) const;
  /// A JSON integer or an integral string.
  std::optional<long long> integer(const char* key) const;
  /// An integer count of 1/`divisor` units, exactly (Novita: "1000000" / 10000 = 100 USD).
  /// Accepts an integer string or a JSON integer; rejects fractions, exponents, more than 18
  /// digits and, unless `allow_negative`, negative values.
  std::optional<model::Decimal> scaled_integer(const char* key, long long divisor,
                                               bool allow_negative = false) const;
  bool has(const char* key) const;
  [[noreturn]] void fail(const char* key, const std::string& problem) const;

 private:
  const nlohmann::json& m_object;
  const Endpoint& m_endpoint;
  std::string m_where;
};

}  // namespace gpubill::providers
