#pragma once
// Live status lines at the bottom of a terminal (one per provider while `gpubill report`
// runs). Each change redraws them in place; anything logged meanwhile is printed above them
// (util::log goes through print_above_status), so the lines never get torn. Disabled, it
// writes nothing at all: the caller decides (stderr a terminal, not -q, not -v).

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gpubill::util {

class StatusLines {
 public:
  /// `count` lines, drawn on `out` at once (empty) when enabled. While it lives, it is the
  /// one print_above_status() writes around.
  StatusLines(std::FILE* out, std::size_t count, bool enabled);
  /// Leaves the last state of the lines on screen.
  ~StatusLines();
  StatusLines(const StatusLines&) = delete;
  StatusLines& operator=(const StatusLines&) = delete;

  bool enabled() const { return m_enabled; }
  /// Replaces line i and redraws. Control characters are escaped.
  void set(std::size_t i, std::string_view text);
  /// Writes whole lines above the status lines, then redraws them.
  void print_above(std::string_view text);

 private:
  void erase_locked();
  void draw_locked();

  std::FILE* m_out;
  bool m_enabled;
  std::mutex m_mutex;
  std::vector<std::string> m_lines;
  bool m_drawn = false;
};

/// Writes `text` (whole lines) to stderr: above the live StatusLines when there are some,
/// else straight to stderr.
void print_above_status(std::string_view text);

}  // namespace gpubill::util
