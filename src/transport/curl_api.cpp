#include "transport/curl_api.hpp"

#include <mutex>
#include <string>

#include "util/shared_library.hpp"

namespace gpubill::transport {

namespace {

CurlApi load() {
  // The soname Debian's libcurl4 (and libcurl4-openssl-dev's link) provides.
  const char* so = "libcurl.so.4";
  void* library = util::load_shared_library(so, "to reach providers", "libcurl4");
  CurlApi api{};
  util::resolve_symbol(library, so, "curl_global_init", api.global_init);
  util::resolve_symbol(library, so, "curl_easy_init", api.easy_init);
  util::resolve_symbol(library, so, "curl_easy_setopt", api.easy_setopt);
  util::resolve_symbol(library, so, "curl_easy_perform", api.easy_perform);
  util::resolve_symbol(library, so, "curl_easy_getinfo", api.easy_getinfo);
  util::resolve_symbol(library, so, "curl_easy_cleanup", api.easy_cleanup);
  util::resolve_symbol(library, so, "curl_easy_strerror", api.easy_strerror);
  util::resolve_symbol(library, so, "curl_slist_append", api.slist_append);
  util::resolve_symbol(library, so, "curl_slist_free_all", api.slist_free_all);
  util::resolve_symbol(library, so, "curl_url", api.url);
  util::resolve_symbol(library, so, "curl_url_set", api.url_set);
  util::resolve_symbol(library, so, "curl_url_get", api.url_get);
  util::resolve_symbol(library, so, "curl_url_cleanup", api.url_cleanup);
  util::resolve_symbol(library, so, "curl_free", api.free);
  util::resolve_symbol(library, so, "curl_version_info", api.version_info);
  api.global_init(CURL_GLOBAL_DEFAULT);
  return api;  // the library stays loaded for the rest of the run
}

}  // namespace

const CurlApi& curl_api() {
  static std::once_flag once;
  static CurlApi api;
  std::call_once(once, [] { api = load(); });
  return api;
}

}  // namespace gpubill::transport
