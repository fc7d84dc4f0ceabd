#pragma once
// A library gpubill loads when a command first needs it (dlopen) instead of at start-up:
// libcurl at the first request, libpq at the first PostgreSQL ledger. Linked normally, each
// pulls TLS, Kerberos, LDAP and more into every run (docs/performance.md, item 5).
#include <string>

namespace gpubill::util {

/// dlopen(soname), kept loaded for the rest of the run. Throws gpubill::Error (exit 1, one
/// line: "cannot load SONAME, which gpubill needs NEED: WHY (install PACKAGE)").
void* load_shared_library(const char* soname, const char* need, const char* package);

/// The address of `name` in `library`; throws (exit 1) when it has none.
void* shared_library_symbol(void* library, const char* soname, const char* name);

/// Sets `out`, a function pointer, to `name` in `library`.
template <typename Fn>
void resolve_symbol(void* library, const char* soname, const char* name, Fn& out) {
  out = reinterpret_cast<Fn>(shared_library_symbol(library, soname, name));
}

}  // namespace gpubill::util
