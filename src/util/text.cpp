#include "gpubill/util/text.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <cstdint>
#include <cstdio>

namespace gpubill::util {

namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// Zero-width: combining marks, variation selectors, zero-width space/joiners.
constexpr Range k_zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF}, {0x1F3FB, 0x1F3FF}, {0xE0100, 0xE01EF}};

// Wide: Hangul Jamo, CJK, Hangul syllables, fullwidth forms, emoji.
constexpr Range k_wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x2614, 0x2615},   {0x2648, 0x2653},   {0x26A1, 0x26A1},   {0x26AA, 0x26AB},
    {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},
    {0x26F2, 0x26F5},   {0x26FA, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x2753, 0x2755},   {0x2757, 0x2757},
    {0x2795, 0x2797},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
    {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F2FF}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF},
    {0x1FA70, 0x1FAFF}, {0x20000, 0x3FFFD}};

template <std::size_t N>
bool in(const Range (&table)[N], char32_t c) {
  for (const Range& r : table) {
    if (c >= r.first && c <= r.last) {
      return true;
    }
  }
  return false;
}

// Decodes one code point at text[i]; returns its byte length, or 0 for an invalid byte.
std::size_t decode(std::string_view text, std::size_t i, char32_t& out) {
  unsigned char b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  out = cp;
  return len;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t len = decode(text, i, cp);
    if (len == 0) {
      width += 1;
      i += 1;
      continue;
    }
    i += len;
    if (in(k_zero_width, cp)) {
      continue;
    }
    width += in(k_wide, cp) ? 2 : 1;
  }
  return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  std::string out;
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t len = decode(text, i, cp);
    std::size_t w = len == 0 ? 1 : in(k_zero_width, cp) ? 0 : in(k_wide, cp) ? 2 : 1;
    if (len == 0) len = 1;
    if (used + w > width - 1) break;  // one column kept for the ellipsis
    out.append(text.substr(i, len));
    used += w;
    i += len;
  }
  return out + "\u2026";
}

std::string wrap_words(std::string_view text, std::size_t width, std::string_view brk) {
  if (width == 0 || display_width(text) <= width) return std::string(text);
  std::string out;
  std::string line;
  bool start = true;
  // What a break leaves at the start of the next line (its indent) counts in that line.
  std::size_t newline = brk.rfind('\n');
  std::size_t indent = newline == std::string_view::npos ? 0 : display_width(brk.substr(newline + 1));
  std::size_t offset = 0;
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t space = text.find(' ', at);
    std::string_view word = text.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at);
    at = space == std::string_view::npos ? text.size() + 1 : space + 1;
    if (word.empty()) {  // two spaces in a row are kept (a caption's gap), not at a break
      if (!start) line += ' ';
      continue;
    }
    if (!start && offset + display_width(line) + 1 + display_width(word) > width) {
      offset = indent;
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line;
      out += brk;
      line = std::string(word);
    } else {
      line += (start ? "" : " ") + std::string(word);
    }
    start = false;
  }
  return out + line;
}

std::size_t terminal_width(int fd, const std::optional<std::string>& columns) {
  if (::isatty(fd) != 1) return 0;
  if (columns) {
    char* end = nullptr;
    long n = std::strtol(columns->c_str(), &end, 10);
    if (end != columns->c_str() && *end == '\0' && n >= 20 && n <= 10000) return static_cast<std::size_t>(n);
  }
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

std::string group_thousands(std::string_view number) {
  std::size_t start = !number.empty() && (number[0] == '-' || number[0] == '+') ? 1 : 0;
  std::size_t end = number.find('.', start);
  if (end == std::string_view::npos) end = number.size();
  if (end == start) return std::string(number);
  for (std::size_t i = start; i < end; ++i) {
    if (number[i] < '0' || number[i] > '9') return std::string(number);
  }
  std::string out(number.substr(0, start));
  for (std::size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out += ',';
    out += number[i];
  }
  out.append(number.substr(end));
  return out;
}

namespace {

// Unicode's explicit directional formatting characters (UAX #9, 2.1-2.6) and marks.
bool is_bidi_control(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string escape_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buf[16];
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t len = decode(text, i, cp);
    if (len == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(text[i]));
      out += buf;
      i += 1;
      continue;
    }
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp) || cp == 0x2028 ||
               cp == 0x2029) {
      // C1 controls (a CSI of its own), the bidirectional controls that reorder what follows
      // on the line (a provider's "resource name" could make a row read backwards, the
      // Trojan Source trick), and the line and paragraph separators.
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = ascii_lower;
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // Three rows: the one before the previous is needed for a swap.
  std::vector<std::size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

std::string nearest(std::string_view typed, const std::vector<std::string>& candidates) {
  std::size_t limit = typed.size() <= 4 ? 1 : typed.size() <= 8 ? 2 : 3;
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(typed, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::vector<std::string> split_list(std::string_view text, char sep) {
  std::vector<std::string> out;
  while (true) {
    std::size_t at = text.find(sep);
    std::string_view item = text.substr(0, at);
    if (!item.empty()) out.emplace_back(item);
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

}  // namespace gpubill::util
