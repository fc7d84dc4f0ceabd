#include "gpubill/transport/transport.hpp"

#include <cctype>

#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::transport {

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (util::ascii_iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::string describe(const HttpRequest& request) {
  return util::scrub(request.method + " " + request.url);
}

std::string percent_encode(std::string_view text) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

std::string build_url(std::string_view base, std::string_view path,
                      const std::vector<std::pair<std::string, std::string>>& query) {
  std::string url(base);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!path.empty() && path.front() != '/') url.push_back('/');
  url.append(path);
  char sep = '?';
  for (const auto& [key, value] : query) {
    url.push_back(sep);
    url += percent_encode(key) + "=" + percent_encode(value);
    sep = '&';
  }
  return url;
}

}  // namespace gpubill::transport
