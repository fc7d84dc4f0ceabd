#include "gpubill/util/status_lines.hpp"

#include <atomic>

#include "gpubill/util/text.hpp"

namespace gpubill::util {

namespace {
std::atomic<StatusLines*> g_active{nullptr};
}  // namespace

StatusLines::StatusLines(std::FILE* out, std::size_t count, bool enabled)
    : m_out(out), m_enabled(enabled && count > 0), m_lines(count) {
  if (!m_enabled) return;
  std::lock_guard<std::mutex> lock(m_mutex);
  draw_locked();
  g_active.store(this);
}

StatusLines::~StatusLines() {
  if (!m_enabled) return;
  StatusLines* self = this;
  g_active.compare_exchange_strong(self, nullptr);
  std::lock_guard<std::mutex> lock(m_mutex);
  std::fflush(m_out);
}

void StatusLines::set(std::size_t i, std::string_view text) {
  if (!m_enabled || i >= m_lines.size()) return;
  std::lock_guard<std::mutex> lock(m_mutex);
  m_lines[i] = escape_for_terminal(text);
  erase_locked();
  draw_locked();
}

void StatusLines::print_above(std::string_view text) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_enabled) erase_locked();
  std::fwrite(text.data(), 1, text.size(), m_out);
  if (m_enabled) draw_locked();
  std::fflush(m_out);
}

void StatusLines::erase_locked() {
  if (!m_drawn) return;
  std::string seq;
  // From below the last line: up one and clear it, once per line.
  for (std::size_t i = 0; i < m_lines.size(); ++i) seq += "\x1b[1A\r\x1b[2K";
  std::fwrite(seq.data(), 1, seq.size(), m_out);
  m_drawn = false;
}

void StatusLines::draw_locked() {
  std::string text;
  for (const std::string& line : m_lines) text += line + "\n";
  std::fwrite(text.data(), 1, text.size(), m_out);
  std::fflush(m_out);
  m_drawn = true;
}

void print_above_status(std::string_view text) {
  StatusLines* active = g_active.load();
  if (active != nullptr) {
    active->print_above(text);
    return;
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace gpubill::util
