#include "gpubill/format/formatter.hpp"

namespace gpubill::format {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::table;
  if (name == "csv") return Format::csv;
  if (name == "json") return Format::json;
  if (name == "ndjson") return Format::ndjson;
  return std::nullopt;
}

std::string render(const RenderInput& in, Format format) {
  switch (format) {
    case Format::table:
      return render_table(in);
    case Format::csv:
      return render_csv(in);
    case Format::json:
      return render_json(in);
    case Format::ndjson:
      return render_ndjson(in);
  }
  return {};
}

}  // namespace gpubill::format
