#include "transport/curl_api.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "gpubill/util/error.hpp"

namespace gpubill::transport {

namespace {

template <typename Fn>
void resolve(void* library, const char* name, Fn& out) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    throw ProviderError(std::string("libcurl.so.4 has no ") + name + ": libcurl is too old or broken");
  }
  out = reinterpret_cast<Fn>(symbol);
}

CurlApi load() {
  // The soname Debian's libcurl4 (and libcurl4-openssl-dev's link) provides.
  void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = ::dlerror();
    throw ProviderError(std::string("cannot load libcurl.so.4, which gpubill needs to reach providers: ") +
                (why != nullptr ? why : "not found") + " (install libcurl4)");
  }
  CurlApi api{};
  resolve(library, "curl_global_init", api.global_init);
  resolve(library, "curl_easy_init", api.easy_init);
  resolve(library, "curl_easy_setopt", api.easy_setopt);
  resolve(library, "curl_easy_perform", api.easy_perform);
  resolve(library, "curl_easy_getinfo", api.easy_getinfo);
  resolve(library, "curl_easy_cleanup", api.easy_cleanup);
  resolve(library, "curl_easy_strerror", api.easy_strerror);
  resolve(library, "curl_slist_append", api.slist_append);
  resolve(library, "curl_slist_free_all", api.slist_free_all);
  resolve(library, "curl_url", api.url);
  resolve(library, "curl_url_set", api.url_set);
  resolve(library, "curl_url_get", api.url_get);
  resolve(library, "curl_url_cleanup", api.url_cleanup);
  resolve(library, "curl_free", api.free);
  resolve(library, "curl_version_info", api.version_info);
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
