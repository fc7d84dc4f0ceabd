#include "gpubill/format/formatter.hpp"
#include "format/chunked.hpp"

#include <algorithm>
#include <vector>

#include "gpubill/util/parallel.hpp"

namespace gpubill::format {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::table;
  if (name == "csv") return Format::csv;
  if (name == "json") return Format::json;
  if (name == "ndjson") return Format::ndjson;
  if (name == "focus") return Format::focus;
  return std::nullopt;
}

void detail::write_rows(std::size_t count, const RowWriter& rows, Chunked& out) {
  constexpr std::size_t k_block = 8192;
  unsigned threads = util::default_threads();
  if (count <= 50'000 || threads == 1) {
    for (std::size_t begin = 0; begin < count; begin += k_block) {
      rows(begin, std::min(count, begin + k_block), out.buf());
      out.maybe_flush();
    }
    return;
  }
  std::size_t blocks = (count + k_block - 1) / k_block;
  for (std::size_t first = 0; first < blocks; first += threads) {
    std::size_t batch = std::min<std::size_t>(threads, blocks - first);
    std::vector<std::string> texts(batch);
    util::parallel_for(batch, batch, [&](std::size_t j) {
      std::size_t begin = (first + j) * k_block;
      rows(begin, std::min(count, begin + k_block), texts[j]);
    });
    for (std::size_t k = 0; k < batch; ++k) {
      out.flush();
      out.buf().swap(texts[k]);
      out.flush();
    }
  }
}

void render_to(const RenderInput& in, Format format, const Sink& sink) {
  if (format == Format::table) {
    sink(render_table(in));
    return;
  }
  detail::Chunked chunks(sink);
  switch (format) {
    case Format::csv:
      detail::write_csv(in, chunks);
      break;
    case Format::json:
      detail::write_json(in, chunks);
      break;
    case Format::ndjson:
      detail::write_ndjson(in, chunks);
      break;
    case Format::focus:
      detail::write_focus(in, chunks);
      break;
    case Format::table:
      break;
  }
  chunks.flush();
}

std::string render(const RenderInput& in, Format format) {
  if (format == Format::table) return render_table(in);
  std::string out;
  render_to(in, format, [&out](std::string_view piece) { out.append(piece); });
  return out;
}

}  // namespace gpubill::format
