// The generic faults: the ways any HTTP billing API can fail, the same for every provider, in
// front of every provider's routes. A request to /gfault/<fault>/<provider's path> is either
// answered by the fault alone (an HTML page, an empty body, 401, 403, 429, 500, a body nested
// 100000 deep) or forwarded to this server's own route for <provider's path> and its answer
// spoilt (cut in half, every value of the wrong type, every number huge, or answered late).
// Every provider doc lists these statuses (runpod.md 3.1.5 and 3.2, novita.md 2.6, gcore.md
// 1.9 and 1.10, hyperstack.md S5 and 6, vast.md 8); the shapes of a bad body are no provider's:
// they are what a proxy, a load balancer or a broken deploy sends.
// The conformance suite (tests/providers/conformance_test.cpp) runs each one against every
// resource of every registered provider. docs/testing.md lists them with the exit codes.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/fake_cloud/fake_cloud_state.hpp"

namespace gpubill::test {

namespace {

using nlohmann::json;

// A placeholder no real answer holds; after dump() it is replaced by the huge number's text.
const char* const k_huge_marker = "\x01HUGE\x01";
const std::string k_huge_text = std::string(60, '9') + ".5";

bool numeric_text(const std::string& s) {
  if (s.empty()) return false;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '.' || (i == 0 && c == '-'))) {
      return false;
    }
  }
  return digits > 0;
}

// Every scalar below `j` (numbers, strings, booleans) replaced by an empty array: whatever
// field a parser reads, it finds the wrong type.
void spoil_types(json& j) {
  if (j.is_object() || j.is_array()) {
    for (json& child : j) spoil_types(child);
  } else if (!j.is_null()) {
    j = json::array();
  }
}

// Every number, and every string that is a number, replaced by the marker.
void spoil_numbers(json& j) {
  if (j.is_object() || j.is_array()) {
    for (json& child : j) spoil_numbers(child);
  } else if (j.is_number() || (j.is_string() && numeric_text(j.get<std::string>()))) {
    j = k_huge_marker;
  }
}

std::string huge_numbers(json j) {
  spoil_numbers(j);
  std::string text = j.dump();
  const std::string quoted = json(k_huge_marker).dump();
  for (std::size_t at = text.find(quoted); at != std::string::npos;
       at = text.find(quoted, at + k_huge_text.size())) {
    text.replace(at, quoted.size(), k_huge_text);
  }
  return text;
}

// The same request, asked of this server's own route for `target`.
bool forward(const httplib::Request& req, const std::string& target, int port,
             httplib::Response& res) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  httplib::Headers headers;
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "host" || lower == "content-length" || lower == "connection" ||
        lower == "accept-encoding" || lower == "remote_addr" || lower == "remote_port" ||
        lower == "local_addr" || lower == "local_port") {
      continue;
    }
    headers.emplace(name, value);
  }
  httplib::Result answer =
      req.method == "POST"
          ? client.Post(target, headers, req.body, req.get_header_value("Content-Type"))
          : client.Get(target, headers);
  if (!answer) {
    send_message(res, 502, "generic fault: the provider's route did not answer");
    return false;
  }
  res.status = answer->status;
  for (const auto& [name, value] : answer->headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection" ||
        lower == "keep-alive" || lower == "content-type") {
      continue;
    }
    res.set_header(name, value);
  }
  std::string type = answer->get_header_value("Content-Type");
  res.set_content(answer->body, type.empty() ? "application/json" : type);
  return true;
}

void handle(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  const std::string fault = req.matches[1];
  const std::string prefix = "/gfault/" + fault;
  std::string target = req.target.substr(req.target.find(prefix) + prefix.size());

  // Answered by the fault alone.
  if (fault == "html") {
    res.status = 200;
    res.set_content("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
                    "<h1>Bad Gateway</h1></body></html>",
                    "text/html");
    return;
  }
  if (fault == "empty") {
    res.status = 200;
    res.set_content("", "application/json");
    return;
  }
  if (fault == "deep-nesting") {
    res.status = 200;
    res.set_content(std::string(100000, '[') + std::string(100000, ']'), "application/json");
    return;
  }
  if (fault == "401") return send_message(res, 401, "generic fault: unauthorized");
  if (fault == "403") return send_message(res, 403, "generic fault: forbidden");
  if (fault == "500") return send_message(res, 500, "generic fault: internal server error");
  if (fault == "429") {
    res.set_header("Retry-After", "1");
    return send_message(res, 429, "generic fault: too many requests");
  }
  if (fault == "429-bare") return send_message(res, 429, "generic fault: too many requests");

  // The provider's own answer, spoilt.
  if (fault == "slow") state.sleep_ms(4000);
  if (!forward(req, target, state.port, res)) return;
  if (fault == "slow" || res.status != 200) return;
  if (fault == "truncated") {
    res.body.resize(res.body.size() / 2);
    return;
  }
  json body = json::parse(res.body, nullptr, false);
  if (body.is_discarded()) {
    res.body.resize(res.body.size() / 2);  // not JSON: spoilt the only way left
    return;
  }
  if (fault == "wrong-types") {
    spoil_types(body);
    res.body = body.dump();
  } else if (fault == "huge-number") {
    res.body = huge_numbers(std::move(body));
  } else {
    send_message(res, 400, "generic fault '" + fault + "' does not exist in the fake cloud");
  }
}

}  // namespace

const std::vector<std::string>& generic_faults() {
  static const std::vector<std::string> all = {
      "html", "empty", "truncated", "wrong-types", "deep-nesting", "huge-number",
      "401",  "403",   "429",       "429-bare",    "500",          "slow"};
  return all;
}

void add_generic_fault_routes(httplib::Server& server, FakeCloud::State& state) {
  const char* pattern = R"((?:http://[^/]+)?/gfault/([a-z0-9-]+)/.*)";
  auto handler = [&state](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, state);
  };
  server.Get(pattern, handler);
  server.Post(pattern, handler);
}

}  // namespace gpubill::test
