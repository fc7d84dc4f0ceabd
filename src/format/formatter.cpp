#include "gpubill/format/formatter.hpp"
#include "format/chunked.hpp"

namespace gpubill::format {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::table;
  if (name == "csv") return Format::csv;
  if (name == "json") return Format::json;
  if (name == "ndjson") return Format::ndjson;
  return std::nullopt;
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
