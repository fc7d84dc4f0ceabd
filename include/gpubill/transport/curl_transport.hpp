#pragma once
// The real transport: libcurl. TLS verification always on; proxy variables (https_proxy,
// no_proxy, ...) honoured by libcurl itself; gzip/deflate/brotli accepted; redirects not
// followed (a billing API has no reason to redirect, and following one could carry a key to
// another host).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "gpubill/transport/transport.hpp"

namespace gpubill::transport {

struct CurlOptions {
  std::chrono::milliseconds timeout{30'000};          ///< whole request (--timeout)
  std::chrono::milliseconds connect_timeout{10'000};  ///< capped at `timeout`
  std::string user_agent;                             ///< "gpubill/<version>"
  std::size_t max_response_bytes = 512u * 1024 * 1024;
};

std::unique_ptr<Transport> make_curl_transport(const CurlOptions& options);

/// Whether `url` is plain http to this machine, decided on the host as libcurl parses it
/// (so `http://localhost:x@billing.example.com` is billing.example.com, and
/// `http://127.attacker.example` a name, not an address): localhost, 127.0.0.0/8 or ::1.
/// False for any other URL, and for one libcurl cannot parse.
bool is_loopback_http(const std::string& url);

/// "libcurl 7.88.1 (OpenSSL/3.0.19)": the libcurl this run loads. Loads it (a few ms); throws
/// gpubill::Error when it cannot be loaded.
std::string libcurl_version();

}  // namespace gpubill::transport
