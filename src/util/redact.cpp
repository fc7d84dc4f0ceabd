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
  if (secret.empty()) {
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

void clear_secrets_for_testing() {
  std::lock_guard<std::mutex> lock(g_mutex);
  secrets().clear();
}

}  // namespace gpubill::util
