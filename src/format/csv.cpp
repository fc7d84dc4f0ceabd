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

std::string optional_decimal(const std::optional<model::Decimal>& d) {
  return d ? d->to_string() : std::string();
}

}  // namespace

std::string render_csv(const RenderInput& in) {
  std::string out;
  bool first = true;
  for (const char* column : model::k_columns) {
    if (!first) out.push_back(',');
    out.append(column);
    first = false;
  }
  out.append("\r\n");
  for (const model::CostRecord& r : in.records) {
    const std::string fields[] = {r.provider,
                                  r.service,
                                  r.resource_id,
                                  r.resource_name,
                                  r.gpu_type,
                                  r.gpu_model,
                                  r.region,
                                  model::format_rfc3339(r.period.start),
                                  model::format_rfc3339(r.period.end),
                                  optional_decimal(r.amount),
                                  r.currency,
                                  optional_decimal(r.usage_quantity),
                                  r.usage_unit,
                                  r.description};
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      if (i > 0) out.push_back(',');
      append_field(out, fields[i]);
    }
    out.append("\r\n");
  }
  return out;
}

}  // namespace gpubill::format
