#include "gpubill/format/formatter.hpp"

namespace gpubill::format {

namespace {

void append_field(std::string& out, std::string_view field) {
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

std::string render_csv(const RenderInput& in) {
  std::vector<std::string> fields;
  for (const model::ColumnValue& c : model::column_values(model::CostRecord{})) {
    fields.emplace_back(c.name);
  }
  for (const ExtraColumn& c : in.extra_columns) fields.push_back(c.name);
  std::string out = csv_line(fields);
  for (const model::CostRecord& r : in.records) {
    fields.clear();
    for (const model::ColumnValue& c : model::column_values(r)) {
      std::string cell = c.value.value_or("");
      // Provider text only: numbers and times are gpubill's own and may start with '-'.
      fields.push_back(in.csv_guard && c.kind == model::ColumnKind::text
                           ? neutralize_formula(std::move(cell))
                           : std::move(cell));
    }
    for (const ExtraColumn& c : in.extra_columns) fields.push_back(c.cell(r));
    out += csv_line(fields);
  }
  return out;
}

}  // namespace gpubill::format
