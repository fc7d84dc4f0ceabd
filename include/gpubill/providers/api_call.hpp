#pragma once
// What every adapter needs around one HTTP call: turn transport failures and error statuses
// into one-line typed errors, read the JSON body defensively, and read fields that may be
// missing, null, strings or numbers. Adapters keep only their URLs, fields and quirks.

#include <functional>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpubill/model/cost_record.hpp"

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
/// {message}), {reason}, {detail}, {title}, an RFC 9457 problem's "title: detail [errors]";
/// an HTML page's <title>; else the start of the text.
/// Control characters removed, at most 200 characters, secrets scrubbed. Empty if none.
std::string error_message_from_body(std::string_view body);
/// The same, read first by `endpoint`'s provider's own reader (ProviderInfo::error_message):
/// Novita's "reason: message", Gcore's invalid fields and request id, Vast's msg.
std::string error_message_from_body(std::string_view body, const Endpoint& endpoint);

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
/// A ProviderError naming `where` unless `item` is an object.
void require_object(const nlohmann::json& item, const Endpoint& endpoint, const std::string& where);
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
    detail::require_object(item, endpoint, where);
    fn(item, where);
  }
}

/// The streaming form of parse_json_text + for_each_object, for answers whose root is an array
/// of objects (Runpod v1): the text is read once with nlohmann's SAX interface, each element
/// is built on its own, handed to fn(item, where) and dropped, so a 500,000-row answer never
/// exists as one DOM (docs/performance.md). Same checks and the same one-line errors as
/// parse_json_text and for_each_object. Returns false, having called nothing, when the root is
/// not an array: the caller parses that (small) document for its error.
bool for_each_root_array_object(
    std::string_view body, const Endpoint& endpoint, const std::string& noun,
    const std::function<void(const nlohmann::json&, const std::string&)>& fn);

/// What records_from_root_array hands each element to: fill `record`, return true to keep it
/// or false to drop it. Called from several threads at once: it must not touch shared state.
using RecordMaker = std::function<bool(const nlohmann::json& item, const std::string& where,
                                       model::CostRecord& record)>;

struct RootArrayRecords {
  std::vector<model::CostRecord> records;  ///< the kept ones, in the answer's order
  std::size_t elements = 0;                ///< elements read, dropped ones included
  unsigned threads = 1;                    ///< threads the elements were parsed on
};

struct ParseThreads {
  unsigned threads = 0;  ///< 0: the machine's cores, at most 8
  std::size_t min_elements_per_thread = 20'000;  ///< smaller answers stay on one thread
  std::size_t elements_per_chunk = 4096;  ///< what a thread takes at a time (tests make it small)
};

/// A root array of objects -> records, in order. A big answer is scanned once for its
/// elements' edges (noting where each chunk of elements begins) and its chunks parsed on
/// several threads, each element its own small DOM, straight into its slot of the result;
/// each record's attributes are shared with equal ones (model::Attributes::share). Anything
/// that goes wrong there is read again sequentially (for_each_root_array_object), so errors
/// are exactly the sequential ones. nullopt when the root is not an array: the caller parses
/// it whole for its error.
std::optional<RootArrayRecords> records_from_root_array(std::string_view body,
                                                        const Endpoint& endpoint,
                                                        const std::string& noun,
                                                        const RecordMaker& make,
                                                        const ParseThreads& how = {});

/// The same for an answer whose records are the array value of `member` in the root object
/// (Runpod v2: {"records": [...], "metadata": {...}}): the array is read as above, the rest of
/// the document only checked. nullopt whenever anything is unusual (another shape, the member
/// given twice, malformed text anywhere, a bad record): the caller then reads the whole
/// document as before, which gives the exact error with its position in the whole answer.
std::optional<RootArrayRecords> records_from_member_array(std::string_view body,
                                                          const Endpoint& endpoint,
                                                          const std::string& member,
                                                          const std::string& noun,
                                                          const RecordMaker& make,
                                                          const ParseThreads& how = {});

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
  /// An ordered_json would be converted to a temporary that the reader outlives.
  FieldReader(const nlohmann::ordered_json& object, const Endpoint& endpoint, std::string where) = delete;
  /// A JSON number or a numeric string, exactly (floats via their shortest text).
  std::optional<model::Decimal> decimal(const char* key) const;
  /// A JSON string (numbers are accepted and printed as they came).
  std::optional<std::string> string(const char* key) const;
  /// A JSON integer or an integral string.
  std::optional<long long> integer(const char* key) const;
  /// A count of 1/`divisor` units, exactly (Novita: "1000000" / 10000 = 100 USD). Documented
  /// as integers; a value with decimals is read exactly all the same (never refused), and a
  /// negative one is a credit, kept with its sign, unless `allow_negative` is false. Numbers
  /// and numeric strings as decimal() reads them (|x| < 1e18).
  std::optional<model::Decimal> scaled_integer(const char* key, long long divisor,
                                               bool allow_negative = true) const;
  bool has(const char* key) const;
  [[noreturn]] void fail(const char* key, const std::string& problem) const;

 private:
  const nlohmann::json& m_object;
  const Endpoint& m_endpoint;
  std::string m_where;
};

}  // namespace gpubill::providers
