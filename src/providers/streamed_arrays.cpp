// Answers whose records are one big array (Runpod's: a year of hourly rows is 500,000
// elements): read once with nlohmann's SAX interface, one small DOM per element, and for a big
// answer its chunks on several threads (util/parallel), always giving exactly the sequential
// read's records or error.
#include <algorithm>
#include <atomic>
#include <string>

#include "gpubill/providers/api_call.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/parallel.hpp"
#include "providers/answer_internal.hpp"

namespace gpubill::providers {

using internal::check_json_text;
using internal::ExactFloats;
using internal::needs_exact_text;
using internal::t_exact_floats;
using internal::throw_malformed;
using internal::throw_number_too_large;
using nlohmann::json;

namespace {

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

}  // namespace gpubill::providers
