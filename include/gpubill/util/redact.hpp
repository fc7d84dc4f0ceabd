#pragma once
// Secrets never reach stdout, stderr or logs. Every API key is registered here the moment it
// is read (config/credentials), and every line gpubill writes to stderr passes scrub().

#include <string>
#include <string_view>

namespace gpubill::util {

inline constexpr std::string_view k_redacted = "[REDACTED]";

/// No API key is shorter: a shorter one is refused where keys are read (config), and is not
/// a secret scrub() looks for (it would replace ordinary text in every message).
inline constexpr std::size_t k_min_secret_size = 8;

/// Remembers `secret` so scrub() hides it from then on, whole occurrences only (never a part
/// of it). Thread-safe. Strings shorter than k_min_secret_size are ignored.
void register_secret(const std::string& secret);

/// `text` with every registered secret replaced by [REDACTED]. Thread-safe.
std::string scrub(std::string_view text);

/// At most `limit` bytes of `text` (cut on a UTF-8 boundary, "..." appended when cut), scrubbed
/// first: a secret cut in half is no longer recognisable, so nothing is shortened before it is
/// scrubbed. Every excerpt of a server's text or a field's value goes through here.
std::string excerpt(std::string_view text, std::size_t limit);

/// Scrubs a stream written in pieces (stdout, --out-file): a secret split across two pieces is
/// still found, because the end of each piece that could begin a secret is held back until
/// the next piece or finish(). Not thread-safe: one writer.
class StreamScrubber {
 public:
  /// What of `piece` (after what was held back) can be written now.
  std::string feed(std::string_view piece);
  /// What is still held back, scrubbed; the stream ends here.
  std::string finish();
  /// How many secrets were replaced so far.
  std::size_t redactions() const { return m_redactions; }

 private:
  std::string m_held;
  std::size_t m_redactions = 0;
};

/// Forgets every registered secret (tests only).
void clear_secrets_for_testing();

}  // namespace gpubill::util
