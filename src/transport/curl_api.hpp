#pragma once
// libcurl, loaded when the first request is made (dlopen of libcurl.so.4) instead of at
// start-up. Linked normally, libcurl pulls about 30 libraries into every run (TLS, Kerberos,
// LDAP, IDN, ...) and `gpubill --version` took 7 ms; commands that never touch the network
// (--version, --help, providers, usage errors) now skip all of that (docs/performance.md).
// Only the declarations of <curl/curl.h> are used here; nothing links against libcurl.
#include <curl/curl.h>

namespace gpubill::transport {

struct CurlApi {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
  decltype(&curl_url) url;
  decltype(&curl_url_set) url_set;
  decltype(&curl_url_get) url_get;
  decltype(&curl_url_cleanup) url_cleanup;
  decltype(&curl_free) free;
  decltype(&curl_version_info) version_info;
};

/// Loads libcurl and runs curl_global_init, once, thread-safely. Throws gpubill::Error (exit 1,
/// one line) when libcurl cannot be loaded.
const CurlApi& curl_api();

}  // namespace gpubill::transport
