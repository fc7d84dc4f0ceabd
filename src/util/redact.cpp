#include "gpubill/util/redact.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace gpubill::util {

namespace {

std::mutex g_mutex;
std::vector<std::string>& secrets() {
  static std::vector<std::string> s;
  return s;
}

}  // namespace

void register_secret(const std::string& secret) {
  if (secret.size() < k_min_secret_size) {
    return;
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  std::vector<std::string>& s = secrets();
  if (std::find(s.begin(), s.end(), secret) == s.end()) {
    s.push_back(secret);
    // Longest first, so a secret that contains another is replaced whole.
    std::sort(s.begin(), s.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
}

std::string scrub(std::string_view text) {
  std::string out(text);
  std::lock_guard<std::mutex> lock(g_mutex);
  for (const std::string& secret : secrets()) {
    std::size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), k_redacted);
      pos += k_redacted.size();
    }
  }
  return out;
}

std::string excerpt(std::string_view text, std::size_t limit) {
  std::string out = scrub(text);
  if (out.size() <= limit) return out;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "...";
}

namespace {

// Replaces every secret of at least `min` bytes in `text`; returns how many were replaced and
// the longest such secret's length.
std::pair<std::size_t, std::size_t> scrub_in_place(std::string& text, std::size_t min) {
  std::size_t replaced = 0;
  std::size_t longest = 0;
  std::lock_guard<std::mutex> lock(g_mutex);
  for (const std::string& secret : secrets()) {  // longest first
    if (secret.size() < min) continue;
    longest = std::max(longest, secret.size());
    std::size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), k_redacted);
      pos += k_redacted.size();
      ++replaced;
    }
  }
  return {replaced, longest};
}

}  // namespace

std::string StreamScrubber::feed(std::string_view piece) {
  std::string text = std::move(m_held);
  m_held.clear();
  text.append(piece);
  auto [replaced, longest] = scrub_in_place(text, k_min_secret_size);
  m_redactions += replaced;
  if (longest > 1) {
    // The last longest-1 bytes could be the start of a secret whose rest comes next. Held
    // back text holds no whole secret (each was just replaced).
    std::size_t keep = std::min(text.size(), longest - 1);
    m_held.assign(text, text.size() - keep, keep);
    text.resize(text.size() - keep);
  }
  return text;
}

std::string StreamScrubber::finish() {
  std::string text = std::move(m_held);
  m_held.clear();
  m_redactions += scrub_in_place(text, k_min_secret_size).first;
  return text;
}

void clear_secrets_for_testing() {
  std::lock_guard<std::mutex> lock(g_mutex);
  secrets().clear();
}

}  // namespace gpubill::util
