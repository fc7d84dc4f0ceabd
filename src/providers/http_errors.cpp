// The shared reading of a failed request: transport failures and HTTP error statuses as
// one-line typed errors (check_response), and the most useful line of an error body
// (error_message_from_body). A provider's own error shape is read in its folder first.
#include <string>

#include "gpubill/providers/api_call.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"
#include "providers/answer_internal.hpp"

namespace gpubill::providers {

using internal::looks_like_html;
using internal::one_line;
using nlohmann::json;

namespace internal {

// One printable line of at most `limit` display characters.
std::string one_line(std::string_view text, std::size_t limit) {
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

}  // namespace internal

namespace {

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

using ErrorReader = std::string (*)(const json& object);

// The provider's own reader of error bodies (ProviderInfo::error_message), by name.
ErrorReader reader_for(const std::string& provider) {
  for (const std::unique_ptr<Provider>& p : registry()) {
    if (p->info().name == provider) return p->info().error_message;
  }
  return nullptr;
}

std::string message_of_body(std::string_view body, ErrorReader reader) {
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
      if (reader != nullptr) {
        std::string own = reader(j);
        if (!own.empty()) return one_line(own, 400);
      }
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
      return one_line(m, 400);
    }
    if (j.is_string()) return one_line(j.get<std::string>());
    return {};
  }
  return one_line(body, 120);
}

}  // namespace

std::string error_message_from_body(std::string_view body) { return message_of_body(body, nullptr); }

std::string error_message_from_body(std::string_view body, const Endpoint& endpoint) {
  return message_of_body(body, reader_for(endpoint.provider));
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

  std::string message = error_message_from_body(r.body, ep);
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

}  // namespace gpubill::providers
