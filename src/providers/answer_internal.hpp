#pragma once
// What the three parts of the shared answer-reading code (http_errors.cpp, json_read.cpp,
// streamed_arrays.cpp) share with one another; adapters use gpubill/providers/api_call.hpp.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers::internal {

/// One printable line of at most `limit` display characters, scrubbed before it is cut.
std::string one_line(std::string_view text, std::size_t limit = 200);

/// Whether the body starts (after white space) with '<': an HTML page, not JSON.
bool looks_like_html(std::string_view body);

/// What every JSON answer is checked for before it is parsed: empty, HTML, nested too deep.
void check_json_text(std::string_view body, const Endpoint& ep);
[[noreturn]] void throw_malformed(const Endpoint& ep, std::size_t byte, std::size_t size);
[[noreturn]] void throw_number_too_large(const Endpoint& ep);

// The number text a float had in the answer, for the top-level fields of the element being
// read, when a double cannot hold it (more than 15 significant digits): FieldReader::decimal
// reads those exactly. Set around each call of the element's handler, on its thread.
struct ExactFloats {
  const nlohmann::json* element = nullptr;
  const std::vector<std::pair<std::string, std::string>>* texts = nullptr;  // key, text
};
extern thread_local ExactFloats t_exact_floats;

/// Whether a float's text has more significant digits than a double holds (15).
bool needs_exact_text(const std::string& text);

}  // namespace gpubill::providers::internal
