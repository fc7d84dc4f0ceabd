#pragma once
// The formatters' output buffer: text is appended to buf() and handed to the sink in pieces of
// about k_chunk bytes (format::render_to), or kept whole for render().
#include <string>

#include "gpubill/format/formatter.hpp"

namespace gpubill::format::detail {

class Chunked {
 public:
  static constexpr std::size_t k_chunk = 1 << 20;
  explicit Chunked(const Sink& sink) : m_sink(sink) { m_buf.reserve(k_chunk + 64 * 1024); }
  std::string& buf() { return m_buf; }
  /// Hands the buffer on once it holds a piece's worth.
  void maybe_flush() {
    if (m_buf.size() >= k_chunk) flush();
  }
  void flush() {
    if (m_buf.empty()) return;
    m_sink(m_buf);
    m_buf.clear();
  }

 private:
  const Sink& m_sink;
  std::string m_buf;
};

void write_csv(const RenderInput& in, Chunked& out);
void write_json(const RenderInput& in, Chunked& out);
void write_ndjson(const RenderInput& in, Chunked& out);

}  // namespace gpubill::format::detail
