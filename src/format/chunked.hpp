#pragma once
// The formatters' output buffer: text is appended to buf() and handed to the sink in pieces of
// about k_chunk bytes (format::render_to), or kept whole for render().
#include <functional>
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

/// Appends the text of records [begin, end) to `out`.
using RowWriter = std::function<void(std::size_t begin, std::size_t end, std::string& out)>;
/// Writes rows 0..count-1 through `rows` into `out`, in order. Many rows (over 50,000)
/// are made in blocks of 8,192 on up to 8 threads, a few blocks at a time, and handed on in
/// block order: the same text as one thread makes, in less time, never more than a few blocks
/// held at once.
void write_rows(std::size_t count, const RowWriter& rows, Chunked& out);

/// One RFC 4180 field: quoted when it holds , " CR or LF.
void append_csv_field(std::string& out, std::string_view field);

void write_csv(const RenderInput& in, Chunked& out);
void write_focus(const RenderInput& in, Chunked& out);
void write_json(const RenderInput& in, Chunked& out);
void write_ndjson(const RenderInput& in, Chunked& out);

}  // namespace gpubill::format::detail
