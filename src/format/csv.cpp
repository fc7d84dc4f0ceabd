#include "gpubill/format/formatter.hpp"
#include "format/chunked.hpp"

namespace gpubill::format {

void detail::append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

namespace {
void append_field(std::string& out, std::string_view field) { detail::append_csv_field(out, field); }
}  // namespace

std::optional<std::vector<std::vector<std::string>>> read_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  if (quoted || !field.empty() || !row.empty()) return std::nullopt;
  return rows;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_field(out, fields[i]);
  }
  out.append("\r\n");
  return out;
}

std::string neutralize_formula(std::string cell) {
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) {
    cell.insert(cell.begin(), '\'');
  }
  return cell;
}

void detail::write_csv(const RenderInput& in, detail::Chunked& chunks) {
  std::string& out = chunks.buf();
  bool first = true;
  for (const model::ColumnValue& c : model::column_values(model::CostRecord{})) {
    if (!first) out.push_back(',');
    append_field(out, c.name);
    first = false;
  }
  for (const ExtraColumn& c : in.extra_columns) {
    out.push_back(',');
    append_field(out, c.name);
  }
  out.append("\r\n");
  detail::write_rows(in.records.size(), [&in](std::size_t begin, std::size_t end, std::string& text) {
    for (std::size_t i = begin; i < end; ++i) {
      const model::CostRecord& r = in.records[i];
      bool first_cell = true;
      for (const model::ColumnValue& c : model::column_values(r)) {
        if (!first_cell) text.push_back(',');
        first_cell = false;
        if (!c.value) continue;
        // Provider text only: numbers and times are gpubill's own and may start with '-'.
        if (in.csv_guard && c.kind == model::ColumnKind::text) {
          append_field(text, neutralize_formula(*c.value));
        } else {
          append_field(text, *c.value);
        }
      }
      for (const ExtraColumn& c : in.extra_columns) {
        text.push_back(',');
        append_field(text, c.cell(r));
      }
      text.append("\r\n");
    }
  }, chunks);
}

std::string render_csv(const RenderInput& in) { return render(in, Format::csv); }

}  // namespace gpubill::format
