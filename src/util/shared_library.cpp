#include "util/shared_library.hpp"

#include <dlfcn.h>

#include "gpubill/util/error.hpp"

namespace gpubill::util {

void* load_shared_library(const char* soname, const char* need, const char* package) {
  void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = ::dlerror();
    throw ProviderError(std::string("cannot load ") + soname + ", which gpubill needs " + need + ": " +
                        (why != nullptr ? why : "not found") + " (install " + package + ")");
  }
  return library;
}

void* shared_library_symbol(void* library, const char* soname, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    throw ProviderError(std::string(soname) + " has no " + name + ": the library is too old or broken");
  }
  return symbol;
}

}  // namespace gpubill::util
