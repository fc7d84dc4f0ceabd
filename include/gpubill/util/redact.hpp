#pragma once
// Secrets never reach stdout, stderr or logs. Every API key is registered here the moment it
// is read (config/credentials), and every line gpubill writes to stderr passes scrub().

#include <string>
#include <string_view>

namespace gpubill::util {

inline constexpr std::string_view k_redacted = "[REDACTED]";

/// Remembers `secret` so scrub() hides it from then on. Thread-safe. Empty strings are ignored.
void register_secret(const std::string& secret);

/// `text` with every registered secret replaced by [REDACTED]. Thread-safe.
std::string scrub(std::string_view text);

/// At most `limit` bytes of `text` (cut on a UTF-8 boundary, "..." appended when cut), scrubbed
/// first: a secret cut in half is no longer recognisable, so nothing is shortened before it is
/// scrubbed. Every excerpt of a server's text or a field's value goes through here.
std::string excerpt(std::string_view text, std::size_t limit);

/// Forgets every registered secret (tests only).
void clear_secrets_for_testing();

}  // namespace gpubill::util
