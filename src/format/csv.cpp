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

std::string render_csv(const RenderInput& in) {
  std::string out;
  for (const model::ColumnValue& c : model::column_values(model::CostRecord{})) {
    if (!out.empty()) out.push_back(',');
    out.append(c.name);
  }
  out.append("\r\n");
  for (const model::CostRecord& r : in.records) {
    bool first = true;
    for (const model::ColumnValue& c : model::column_values(r)) {
      if (!first) out.push_back(',');
      first = false;
      append_field(out, c.value.value_or(""));
    }
    out.append("\r\n");
  }
  return out;
}

}  // namespace gpubill::format
