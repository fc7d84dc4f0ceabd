#include "gpubill/providers/api_call.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>
#include <thread>

#include "gpubill/util/parallel.hpp"
#include "gpubill/util/text.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/redact.hpp"

namespace gpubill::providers {

namespace {

using nlohmann::json;

std::string reason_phrase(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string status_text(long status) {
  std::string phrase = reason_phrase(status);
  return std::to_string(status) + (phrase.empty() ? "" : " " + phrase);
}

// One printable line of at most `limit` display characters.
std::string one_line(std::string_view text, std::size_t limit = 200) {
  std::string out;
  bool space = false;
  for (char c : util::scrub(text)) {  // scrubbed before anything is cut (util::excerpt)
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      if (c == '\n' || c == '\r' || c == '\t') space = !out.empty();
      continue;  // other control characters are dropped
    }
    if (c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return util::excerpt(out, limit);  // escaped for the terminal where it is printed (cli, log sink)
}

bool looks_like_html(std::string_view body) {
  std::size_t i = body.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && body[i] == '<';
}

std::string first_string(const json& j, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
    if (it->is_object()) {
      std::string inner = first_string(*it, {"message", "detail", "reason"});
      if (!inner.empty()) return inner;
    }
  }
  return {};
}

}  // namespace

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

std::string error_message_from_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  if (looks_like_html(body)) {
    std::size_t open = body.find("<title>");
    std::size_t close = body.find("</title>");
    if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
      return "HTML page: " + one_line(body.substr(open + 7, close - open - 7), 120);
    }
    return "an HTML page";
  }
  json j = json_nesting_depth(body) > k_max_json_depth ? json(json::value_t::discarded)
                                                       : json::parse(body, nullptr, false);
  if (!j.is_discarded()) {
    if (j.is_object()) {
      std::string m = first_string(j, {"message", "error", "reason", "detail", "title",
                                       "error_reason", "msg"});
      // RFC 9457 problem details (Runpod v2): {title, status, detail, errors: [string]}.
      std::string title = first_string(j, {"title"});
      std::string detail = first_string(j, {"detail"});
      if (!title.empty() && !detail.empty() && m == detail && title != detail) m = title + ": " + detail;
      auto errors = j.find("errors");
      if (errors != j.end() && errors->is_array() && !errors->empty()) {
        std::string list;
        for (const json& e : *errors) {
          list += (list.empty() ? "" : "; ") + (e.is_string() ? e.get<std::string>() : e.dump());
        }
        m += " [" + list + "]";
      }
      // {code, reason, message} (go-kratos style, Novita): the reason is a stable code worth
      // showing before the text.
      std::string reason = first_string(j, {"reason"});
      if (!reason.empty() && !m.empty() && reason != m) m = reason + ": " + m;
      // Gcore: {exception_class, message, request_id, invalid_fields: {field: [msg]}}.
      auto fields = j.find("invalid_fields");
      if (fields != j.end() && fields->is_object()) {
        std::string list;
        for (const auto& [field, problems] : fields->items()) {
          std::string text = problems.is_array() && !problems.empty() && problems[0].is_string()
                                 ? problems[0].get<std::string>()
                                 : problems.dump();
          list += (list.empty() ? "" : ", ") + field + ": " + text;
        }
        if (!list.empty()) m += " [" + list + "]";
      }
      std::string request_id = first_string(j, {"request_id"});
      if (!request_id.empty()) m += " (request_id " + request_id + ")";
      return one_line(m, 400);
    }
    if (j.is_string()) return one_line(j.get<std::string>());
    return {};
  }
  return one_line(body, 120);
}

void check_response(const transport::HttpResponse& r, const Endpoint& ep,
                    const StatusHint& hint) {
  using transport::TransportFailure;
  std::string attempts =
      r.attempts > 1 ? " (" + std::to_string(r.attempts) + " attempts)" : std::string();
  switch (r.failure) {
    case TransportFailure::none:
      break;
    case TransportFailure::timeout:
      throw ProviderError(ep.prefix() + ": " + r.failure_detail + attempts +
                          ": the provider is slow or unreachable; try again or raise --timeout");
    case TransportFailure::connect:
      throw ProviderError(ep.prefix() + ": cannot connect: " + one_line(r.failure_detail) +
                          attempts + ": check the network, proxy settings and base URL");
    case TransportFailure::interrupted:
      throw ProviderError(ep.prefix() + ": connection lost before the whole answer arrived: " +
                          one_line(r.failure_detail) + attempts +
                          ": nothing from it was used; try again");
    case TransportFailure::tls_certificate:
      throw ProviderError(ep.prefix() + ": TLS failure: " + one_line(r.failure_detail) +
                          ": the server's certificate could not be verified");
    case TransportFailure::not_tls:
      throw ProviderError(ep.prefix() + ": TLS failure: " + one_line(r.failure_detail) +
                          ": the server answered in plain HTTP, not TLS; check the base URL's "
                          "scheme and port (https:// to a plain-http port?)");
    case TransportFailure::tls:
      throw ProviderError(ep.prefix() + ": TLS failure: " + one_line(r.failure_detail) +
                          ": the TLS handshake with the server failed");
    case TransportFailure::too_large:
      throw ProviderError(ep.prefix() + ": " + r.failure_detail + ": narrow the period");
    case TransportFailure::other:
      throw ProviderError(ep.prefix() + ": request failed: " + one_line(r.failure_detail));
  }
  if (r.status >= 200 && r.status < 300) return;

  std::string message = error_message_from_body(r.body);
  // A problem body's title usually repeats the reason phrase: say it once.
  std::string phrase = reason_phrase(r.status);
  if (!phrase.empty() && message.starts_with(phrase + ": ")) message.erase(0, phrase.size() + 2);
  if (!phrase.empty() && message == phrase) message.clear();
  std::string head = ep.prefix() + ": " + status_text(r.status);
  if (!message.empty()) head += ": " + message;
  std::optional<std::string> extra = hint ? hint(r.status) : std::nullopt;

  if (r.status == 401) {
    throw AuthError(head + ": check " + ep.key_env);
  }
  if (r.status == 403) {
    throw AuthError(head + ": the key lacks access; check " + ep.key_env + " and its permissions");
  }
  if (extra) head += ": " + *extra;
  if (r.status == 429) {
    throw ProviderError(head + attempts + ": rate limited; try again later or raise --retries");
  }
  if (r.status >= 500) {
    throw ProviderError(head + attempts + ": the provider is failing; try again later");
  }
  if (r.status >= 300 && r.status < 400) {
    std::string location = r.header("location").value_or("");
    throw ProviderError(head + ": unexpected redirect" +
                        (location.empty() ? "" : " to " + one_line(location, 120)) +
                        ": check the base URL");
  }
  throw ProviderError(head);
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

namespace {

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

// The number text a float had in the answer, for the top-level fields of the element being
// read, when a double cannot hold it (more than 15 significant digits): FieldReader::decimal
// reads those exactly. Set around each call of the element's handler, on its thread.
struct ExactFloats {
  const json* element = nullptr;
  const std::vector<std::pair<std::string, std::string>>* texts = nullptr;  // key, text
};
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

// SAX events of a root array -> one small DOM per element, handed on and dropped. With
// `element_only`, the text is one element (a piece cut out of the array by the threaded read),
// counted as element number `first_index` + 1.
class ArrayItemStreamer {
 public:
  using Fn = std::function<void(const json&, const std::string&)>;
  ArrayItemStreamer(const Endpoint& ep, std::size_t size, const std::string& noun, const Fn& fn,
                    bool element_only = false, std::size_t first_index = 0)
      : m_ep(ep), m_size(size), m_noun(noun), m_fn(fn), m_depth(element_only ? 1 : 0),
        m_index(first_index) {}

  bool null() { return value(json(nullptr)); }
  bool boolean(bool b) { return value(json(b)); }
  bool number_integer(json::number_integer_t v) { return value(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return value(json(v)); }
  bool number_float(json::number_float_t v, const std::string& text) {
    bool top_level = m_stack.size() == 1 && m_stack.back()->is_object();
    bool kept = value(json(v));
    if (top_level && needs_exact_text(text)) m_exact.emplace_back(m_key, text);
    return kept;
  }
  bool string(std::string& s) { return value(json(std::move(s))); }
  bool binary(json::binary_t& b) { return value(json(std::move(b))); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    m_key = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    if (e.id == 406) throw_number_too_large(m_ep);
    throw_malformed(m_ep, position, m_size);
  }

 private:
  json* place(json v) {
    if (m_stack.empty()) {
      m_item = std::move(v);
      return &m_item;
    }
    json& parent = *m_stack.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    if (m_stack.size() == 1 && !m_exact.empty()) {
      // A repeated key keeps the last value, as json::parse does: and only its text.
      std::erase_if(m_exact, [this](const auto& e) { return e.first == m_key; });
    }
    json& slot = parent[m_key];
    slot = std::move(v);
    return &slot;
  }
  bool value(json v) {
    if (m_depth == 0) return true;  // a scalar root: excluded by the caller
    place(std::move(v));
    if (m_stack.empty()) deliver();  // a scalar element: require_object names it
    return true;
  }
  bool open(json v) {
    if (m_depth++ == 0) return true;  // the root array itself
    m_stack.push_back(place(std::move(v)));
    return true;
  }
  bool close() {
    if (--m_depth == 0) return true;
    m_stack.pop_back();
    if (m_stack.empty()) deliver();
    return true;
  }
  void deliver() {
    std::string where = m_noun + " " + std::to_string(++m_index);
    detail::require_object(m_item, m_ep, where);
    ExactFloats outer = t_exact_floats;
    t_exact_floats = {&m_item, &m_exact};
    try {
      m_fn(m_item, where);
    } catch (...) {
      t_exact_floats = outer;
      throw;
    }
    t_exact_floats = outer;
    m_exact.clear();
    m_item = json();
  }

  const Endpoint& m_ep;
  std::size_t m_size;
  const std::string& m_noun;
  const Fn& m_fn;
  int m_depth = 0;
  json m_item;
  std::vector<json*> m_stack;  // containers open inside the current element
  std::string m_key;
  std::size_t m_index = 0;
  std::vector<std::pair<std::string, std::string>> m_exact;  // the element's long float texts
};

}  // namespace

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

namespace {

// Calls fn(text) for each element of the root array whose '[' is at body[open], in order,
// until fn returns false; returns false when the text does not hold together (the sequential
// parser then says what is wrong). Started with `open` just before an element found by an
// earlier pass, it reads on from that element.
template <typename Fn>
bool split_root_array(std::string_view body, std::size_t open, Fn&& fn) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t depth = 0;
  std::size_t start = std::string_view::npos;
  std::size_t i = open + 1;
  const std::size_t n = body.size();
  bool more = true;
  std::size_t count = 0;
  auto finish = [&](std::size_t end) {
    if (start == std::string_view::npos) return false;  // "[,", "[1,,2]", "[1,]"
    while (end > start && is_space(body[end - 1])) --end;
    more = fn(body.substr(start, end - start));
    ++count;
    start = std::string_view::npos;
    return true;
  };
  for (; i < n; ++i) {
    char c = body[i];
    if (c == '"') {
      if (depth == 0 && start == std::string_view::npos) start = i;
      for (++i; i < n && body[i] != '"'; ++i) {
        if (body[i] == '\\') ++i;
      }
      if (i >= n) return false;
      continue;
    }
    if (depth == 0 && start == std::string_view::npos && !is_space(c)) {
      if (c == ']') {
        if (count == 0) break;  // []
        return false;           // [1,]
      }
      start = i;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) {
        if (c != ']' || !finish(i)) return false;
        break;
      }
      --depth;
    } else if (c == ',' && depth == 0) {
      if (!finish(i)) return false;
      if (!more) return true;
    }
  }
  if (i >= n) return false;
  for (++i; i < n; ++i) {
    if (!is_space(body[i])) return false;  // something after the array
  }
  return true;
}

}  // namespace

std::optional<RootArrayRecords> records_from_root_array(std::string_view body, const Endpoint& ep,
                                                        const std::string& noun,
                                                        const RecordMaker& make,
                                                        const ParseThreads& how) {
  check_json_text(body, ep);
  std::size_t open = body.find_first_not_of(" \t\r\n");
  if (body[open] != '[') return std::nullopt;

  unsigned threads = how.threads != 0 ? how.threads : util::default_threads();
  std::size_t per_thread = std::max<std::size_t>(how.min_elements_per_thread, 1);
  // Pass 1 checks the structure and counts the elements, noting where each chunk of them
  // begins; pass 2 reads the chunks on several threads, each element straight into its slot.
  // No list of 500,000 element texts is kept (docs/performance.md: every byte counts while
  // the answer and the records are both held).
  const std::size_t chunk = std::max<std::size_t>(how.elements_per_chunk, 1);
  std::vector<std::size_t> chunk_starts;
  std::size_t count = 0;
  // nlohmann reads a NUL byte as the end of the text: an element cut out of the answer would
  // end early at one and look whole (found by fuzzing). JSON has no raw NUL anywhere, so such
  // an answer is left to the sequential read, which reports it.
  if (threads > 1 && body.size() / 64 >= 2 * per_thread && body.find('\0') == std::string_view::npos &&
      split_root_array(body, open, [&](std::string_view element) {
        if (count++ % chunk == 0) chunk_starts.push_back(static_cast<std::size_t>(element.data() - body.data()));
        return true;
      }) &&
      count >= 2 * per_thread) {
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, count / per_thread));
    RootArrayRecords out;
    out.elements = count;
    out.records.resize(count);
    std::vector<char> keep(count, 0);
    std::atomic<bool> failed{false};
    std::atomic<std::size_t> next_chunk{0};
    auto work = [&]() {
      try {
        for (std::size_t c = next_chunk++; c < chunk_starts.size() && !failed.load(std::memory_order_relaxed);
             c = next_chunk++) {
          std::size_t i = c * chunk;
          const std::size_t end = std::min(count, i + chunk);
          ArrayItemStreamer::Fn fill = [&](const json& item, const std::string& where) {
            keep[i] = make(item, where, out.records[i]) ? 1 : 0;
            out.records[i].attributes.share();
          };
          bool whole = split_root_array(body, chunk_starts[c] - 1, [&](std::string_view element) {
            // The sequential read's element DOM, exact float texts included; any error here
            // sends the whole answer to the sequential read below.
            ArrayItemStreamer one(ep, element.size(), noun, fill, true, i);
            if (!json::sax_parse(element.begin(), element.end(), &one)) failed = true;
            return ++i < end;
          });
          // Pass 2 must see exactly the elements pass 1 counted; never drop one silently.
          if (!whole || i != end) failed = true;
        }
      } catch (...) {
        failed = true;  // read again in order below, for the exact first error
      }
    };
    out.threads = util::run_on_threads(threads, work);
    if (!failed) {
      std::size_t kept = 0;
      for (std::size_t i = 0; i < out.records.size(); ++i) {
        if (!keep[i]) continue;
        if (kept != i) out.records[kept] = std::move(out.records[i]);
        ++kept;
      }
      out.records.erase(out.records.begin() + static_cast<std::ptrdiff_t>(kept), out.records.end());
      return out;
    }
  }
  RootArrayRecords out;
  for_each_root_array_object(body, ep, noun, [&](const json& item, const std::string& where) {
    model::CostRecord r;
    ++out.elements;
    if (make(item, where, r)) {
      r.attributes.share();
      out.records.push_back(std::move(r));
    }
  });
  return out;
}

namespace {

// Where the array value of `member` in the root object begins ('[') and ends (']'), or
// nullopt: the root is not an object, the member is missing, not an array, given twice, or
// the text does not hold together at the top level.
std::optional<std::pair<std::size_t, std::size_t>> find_member_array(std::string_view body,
                                                                    std::string_view member) {
  const std::size_t n = body.size();
  std::size_t i = body.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || body[i] != '{') return std::nullopt;
  auto skip_string = [&](std::size_t at) -> std::size_t {  // at: the opening quote; returns the closing one
    for (++at; at < n && body[at] != '"'; ++at) {
      if (body[at] == '\\') ++at;
    }
    return at;
  };
  std::optional<std::pair<std::size_t, std::size_t>> found;
  std::size_t depth = 0;
  for (; i < n; ++i) {
    char c = body[i];
    if (c == '"') {
      std::size_t close = skip_string(i);
      if (close >= n) return std::nullopt;
      if (depth == 1) {
        std::size_t after = body.find_first_not_of(" \t\r\n", close + 1);
        if (after != std::string_view::npos && body[after] == ':' &&
            body.substr(i + 1, close - i - 1) == member) {
          if (found) return std::nullopt;  // given twice: the whole read says which counts
          std::size_t open = body.find_first_not_of(" \t\r\n", after + 1);
          if (open == std::string_view::npos || body[open] != '[') return std::nullopt;
          std::size_t level = 0;
          std::size_t k = open;
          for (; k < n; ++k) {
            if (body[k] == '"') {
              k = skip_string(k);
              if (k >= n) return std::nullopt;
            } else if (body[k] == '[' || body[k] == '{') {
              ++level;
            } else if ((body[k] == ']' || body[k] == '}') && --level == 0) {
              break;
            }
          }
          if (k >= n || body[k] != ']') return std::nullopt;
          found = std::pair{open, k};
          i = k;
          continue;
        }
      }
      i = close;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return std::nullopt;
      --depth;
    }
  }
  return found;
}

}  // namespace

std::optional<RootArrayRecords> records_from_member_array(std::string_view body,
                                                          const Endpoint& ep,
                                                          const std::string& member,
                                                          const std::string& noun,
                                                          const RecordMaker& make,
                                                          const ParseThreads& how) {
  check_json_text(body, ep);
  if (body.find('\0') != std::string_view::npos) return std::nullopt;  // as above: NUL ends a read
  std::optional<std::pair<std::size_t, std::size_t>> span = find_member_array(body, member);
  if (!span) return std::nullopt;
  try {
    // The rest of the document must be sound JSON too: read it with the array left out.
    std::string rest;
    rest.reserve(span->first + 2 + (body.size() - span->second));
    rest.append(body.substr(0, span->first)).append("[]").append(body.substr(span->second + 1));
    if (!json::accept(rest)) return std::nullopt;
    return records_from_root_array(body.substr(span->first, span->second - span->first + 1), ep,
                                   noun, make, how);
  } catch (const ProviderError&) {
    // Positions in a message would count from the array, not the answer: the caller's whole
    // read gives the exact error.
    return std::nullopt;
  }
}

bool for_each_root_array_object(std::string_view body, const Endpoint& ep, const std::string& noun,
                                const std::function<void(const json&, const std::string&)>& fn) {
  check_json_text(body, ep);
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (body[first] != '[') return false;
  ArrayItemStreamer streamer(ep, body.size(), noun, fn);
  try {
    json::sax_parse(body.begin(), body.end(), &streamer);
  } catch (const json::exception&) {
    throw ProviderError(ep.prefix() + ": malformed JSON: not a billing answer");
  }
  return true;
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
