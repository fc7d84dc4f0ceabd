#include <charconv>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "gpubill/transport/curl_transport.hpp"

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <mutex>
#include <new>
#include <stdexcept>

#include "transport/curl_api.hpp"

namespace gpubill::transport {

namespace {

// RAII over the easy handle and the header list (cpr's CurlHolder).
struct CurlHandle {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  CurlHandle() : easy(curl_api().easy_init()) {
    if (easy == nullptr) throw std::runtime_error("curl_easy_init failed");
  }
  ~CurlHandle() {
    curl_api().slist_free_all(headers);
    curl_api().easy_cleanup(easy);
  }
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
};

struct Sink {
  std::string* body;
  std::size_t max;
  const Headers* headers;
  bool overflow = false;
  bool out_of_memory = false;
};

// The body's size when the headers say it and nothing changes it on the way (no content
// encoding): the body is then read into one buffer of that size, not grown by doubling, which
// for a 78 MB answer briefly held 67 MB twice (docs/performance.md).
std::size_t announced_size(const Headers& headers) {
  std::size_t size = 0;
  for (const auto& [name, value] : headers) {
    if (name == "content-encoding" && value != "identity") return 0;
    if (name == "content-length") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), size);
      if (ec != std::errc()) return 0;
    }
  }
  return size;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  std::size_t n = size * count;
  if (sink->body->size() + n > sink->max) {
    sink->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  // Nothing may be thrown through libcurl.
  if (sink->body->empty()) {
    try {
      sink->body->reserve(std::min(announced_size(*sink->headers), sink->max));
    } catch (const std::bad_alloc&) {
      // Only a hint: grow as the answer comes.
    }
  }
  try {
    sink->body->append(data, n);
  } catch (const std::bad_alloc&) {
    sink->out_of_memory = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  Headers* headers = static_cast<Headers*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after 100 Continue): keep only the last headers
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  headers->emplace_back(std::move(name), std::string(value));
  return n;
}

// What the TLS library says when the first bytes back are not a TLS record, as when an
// https:// URL reaches a plain-HTTP port: OpenSSL 1.1 and 3 ("wrong version number", "packet
// length too long", "http request"), GnuTLS ("An unexpected TLS packet was received").
bool answered_in_plain_http(const std::string& detail) {
  for (const char* said : {"wrong version number", "packet length too long", "http request",
                           "unexpected TLS packet"}) {
    if (detail.find(said) != std::string::npos) return true;
  }
  return false;
}

TransportFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::timeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::connect;
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportFailure::interrupted;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return TransportFailure::tls_certificate;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      return TransportFailure::tls;
    default:
      return TransportFailure::other;
  }
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options) : m_options(std::move(options)) {
  }

  HttpResponse send(const HttpRequest& request) override {
    HttpResponse response;
    CurlHandle h;
    char errbuf[CURL_ERROR_SIZE] = {};
    Sink sink{&response.body, m_options.max_response_bytes, &response.headers};
    long timeout_ms = static_cast<long>(
        request.timeout ? std::min(*request.timeout, m_options.timeout).count() : m_options.timeout.count());
    timeout_ms = std::max(timeout_ms, 1L);
    long connect_ms = std::min(static_cast<long>(m_options.connect_timeout.count()), timeout_ms);

    curl_api().easy_setopt(h.easy, CURLOPT_URL, request.url.c_str());
    curl_api().easy_setopt(h.easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_api().easy_setopt(h.easy, CURLOPT_NOSIGNAL, 1L);
    curl_api().easy_setopt(h.easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_api().easy_setopt(h.easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_api().easy_setopt(h.easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_api().easy_setopt(h.easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_api().easy_setopt(h.easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_api().easy_setopt(h.easy, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl supports
    curl_api().easy_setopt(h.easy, CURLOPT_USERAGENT, m_options.user_agent.c_str());
    curl_api().easy_setopt(h.easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_api().easy_setopt(h.easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_api().easy_setopt(h.easy, CURLOPT_WRITEDATA, &sink);
    curl_api().easy_setopt(h.easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_api().easy_setopt(h.easy, CURLOPT_HEADERDATA, &response.headers);
    for (const auto& [name, value] : request.headers) {
      std::string line = name + ": " + value;
      h.headers = curl_api().slist_append(h.headers, line.c_str());
    }
    if (request.method == "POST") {
      curl_api().easy_setopt(h.easy, CURLOPT_POST, 1L);
      curl_api().easy_setopt(h.easy, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_api().easy_setopt(h.easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    } else if (request.method != "GET") {
      curl_api().easy_setopt(h.easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_api().easy_setopt(h.easy, CURLOPT_HTTPHEADER, h.headers);

    CURLcode code = curl_api().easy_perform(h.easy);
    if (code != CURLE_OK) {
      if (sink.out_of_memory) {
        response.failure = TransportFailure::other;
        response.failure_detail = "out of memory after " +
                                  std::to_string(response.body.size() / (1024 * 1024)) +
                                  " MiB of the answer";
      } else if (sink.overflow) {
        response.failure = TransportFailure::too_large;
        response.failure_detail = "response larger than " +
                                  std::to_string(m_options.max_response_bytes / (1024 * 1024)) +
                                  " MiB";
      } else {
        response.failure = classify(code);
        response.failure_detail = errbuf[0] != '\0' ? errbuf : curl_api().easy_strerror(code);
        if (response.failure == TransportFailure::tls && answered_in_plain_http(response.failure_detail)) {
          response.failure = TransportFailure::not_tls;
        }
        if (response.failure == TransportFailure::timeout) {
          char text[64];
          std::snprintf(text, sizeof text, "timed out after %.1f s",
                        static_cast<double>(m_options.timeout.count()) / 1000.0);
          response.failure_detail = text;
        }
      }
      response.body.clear();
      return response;
    }
    curl_api().easy_getinfo(h.easy, CURLINFO_RESPONSE_CODE, &response.status);
    HttpResponse::Timing timing;
    auto ms = [&](CURLINFO what, double& out) {
      curl_off_t us = 0;
      if (curl_api().easy_getinfo(h.easy, what, &us) == CURLE_OK) out = static_cast<double>(us) / 1000.0;
    };
    ms(CURLINFO_NAMELOOKUP_TIME_T, timing.dns);
    ms(CURLINFO_CONNECT_TIME_T, timing.connect);
    ms(CURLINFO_APPCONNECT_TIME_T, timing.tls);
    ms(CURLINFO_STARTTRANSFER_TIME_T, timing.first_byte);
    ms(CURLINFO_TOTAL_TIME_T, timing.total);
    response.timing = timing;
    return response;
  }

 private:
  CurlOptions m_options;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const CurlOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

bool is_loopback_http(const std::string& url) {
  const CurlApi& api = curl_api();
  CURLU* handle = api.url();
  if (handle == nullptr) throw std::bad_alloc();
  std::string scheme;
  std::string host;
  if (api.url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    for (auto [part, out] : {std::pair{CURLUPART_SCHEME, &scheme}, std::pair{CURLUPART_HOST, &host}}) {
      char* text = nullptr;
      if (api.url_get(handle, part, &text, 0) == CURLUE_OK && text != nullptr) *out = text;
      api.free(text);
    }
  }
  api.url_cleanup(handle);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" || host.empty()) return false;
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr v6{};
    std::string inside = host.substr(1, host.size() - 2);
    return ::inet_pton(AF_INET6, inside.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

}  // namespace gpubill::transport

namespace gpubill::transport {

std::string libcurl_version() {
  const curl_version_info_data* info = curl_api().version_info(CURLVERSION_NOW);
  if (info == nullptr || info->version == nullptr) return "libcurl (version unknown)";
  std::string out = std::string("libcurl ") + info->version;
  if (info->ssl_version != nullptr) out += std::string(" (") + info->ssl_version + ")";
  return out;
}

}  // namespace gpubill::transport
