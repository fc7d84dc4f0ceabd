#pragma once
// The only HTTP boundary. Adapters build HttpRequests and read HttpResponses; whether those
// went over libcurl, through the retry decorator or to a test fake is not their concern.
// Transport failures (timeouts, refused connections) are values, not exceptions, so the retry
// code can inspect them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpubill::transport {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;       ///< absolute, query included, already percent-encoded
  Headers headers;       ///< may hold credentials: never log them
  std::string body;
  /// Shorter than the transport's own timeout when set (a whole-run deadline is near).
  std::optional<std::chrono::milliseconds> timeout{};
};

enum class TransportFailure {
  none,     ///< an HTTP response arrived (any status)
  timeout,  ///< connect or total timeout
  connect,  ///< refused, DNS, no route: worth retrying
  interrupted,  ///< the connection broke before the whole answer arrived (reset, closed
                ///< early, nothing received): worth retrying
  tls,      ///< certificate or handshake failure: never retried
  tls_certificate,  ///< the server's certificate could not be verified: never retried
  not_tls,  ///< an https:// URL whose server answered in plain HTTP: never retried
  too_large,///< response over the size cap
  other,
};

struct HttpResponse {
  TransportFailure failure = TransportFailure::none;
  std::string failure_detail;  ///< one line, no secrets
  long status = 0;
  Headers headers;             ///< names lower-cased
  std::string body;
  int attempts = 1;            ///< set by the retry decorator
  /// Where the time went (ms from the start of the request), when the transport knows: -vv.
  struct Timing {
    double dns = 0, connect = 0, tls = 0, first_byte = 0, total = 0;
  };
  std::optional<Timing> timing;

  /// First header named `name` (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends one request. Never throws for network or HTTP errors; those are in the response.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

/// "GET https://host/path?query" for logs: the URL's query values are kept (they carry no
/// secrets for any supported provider) but the line is scrubbed of registered secrets.
std::string describe(const HttpRequest& request);

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
std::string percent_encode(std::string_view text);

/// base (no trailing slash needed) + path + "?k=v&k=v" in the given order; a key may repeat.
std::string build_url(std::string_view base, std::string_view path,
                      const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace gpubill::transport
