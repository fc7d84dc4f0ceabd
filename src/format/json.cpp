// JSON and NDJSON. Written by hand around nlohmann's string escaping so that amounts go out
// as the exact decimal text (a JSON number such as 64.532916), never through a double.
#include "gpubill/format/formatter.hpp"
#include "format/chunked.hpp"

namespace gpubill::format {

namespace {

using nlohmann::ordered_json;

void append_string_or_null(std::string& out, const std::string& s) {
  if (s.empty()) {
    out.append("null");
  } else {
    out.append(ordered_json(s).dump(-1, ' ', false, ordered_json::error_handler_t::replace));
  }
}

void append_record(std::string& out, const model::CostRecord& r) {
  out.push_back('{');
  for (const model::ColumnValue& c : model::column_values(r)) {
    out.append("\"");
    out.append(c.name);
    out.append("\": ");
    if (!c.value) {
      out.append("null");
    } else if (c.kind == model::ColumnKind::decimal) {
      out.append(*c.value);  // exact decimal text is a valid JSON number
    } else {
      append_string_or_null(out, *c.value);
    }
    out.append(", ");
  }
  out.append("\"attributes\": ");
  out.append(r.attributes.is_object()
                 ? r.attributes.dump(-1, ' ', false, ordered_json::error_handler_t::replace)
                 : "{}");
  out.push_back('}');
}

}  // namespace

void detail::write_json(const RenderInput& in, detail::Chunked& chunks) {
  std::string& out = chunks.buf();
  out.append("{\"schema_version\": 1,\n \"query\": ");
  out.append(in.query.dump(-1, ' ', false, ordered_json::error_handler_t::replace));
  out.append(",\n \"records\": [");
  detail::write_rows(in.records.size(), [&in](std::size_t begin, std::size_t end, std::string& text) {
    for (std::size_t i = begin; i < end; ++i) {
      text.append(i == 0 ? "\n  " : ",\n  ");
      append_record(text, in.records[i]);
    }
  }, chunks);
  out.append(in.records.empty() ? "],\n" : "\n ],\n");  // `out` is still chunks.buf()
  out.append(" \"totals\": [");
  bool first = true;
  for (const model::Money& m : in.totals) {
    out.append(first ? "" : ", ");
    out.append("{\"currency\": ");
    append_string_or_null(out, m.currency);
    out.append(", \"amount\": " + m.amount.to_string() + "}");
    first = false;
  }
  out.append("],\n \"records_without_amount\": " + std::to_string(in.records_without_amount) +
             "}\n");
}

void detail::write_ndjson(const RenderInput& in, detail::Chunked& chunks) {
  detail::write_rows(in.records.size(), [&in](std::size_t begin, std::size_t end, std::string& text) {
    for (std::size_t i = begin; i < end; ++i) {
      append_record(text, in.records[i]);
      text.push_back('\n');
    }
  }, chunks);
}

std::string render_json(const RenderInput& in) { return render(in, Format::json); }

std::string render_ndjson(const RenderInput& in) { return render(in, Format::ndjson); }

}  // namespace gpubill::format
