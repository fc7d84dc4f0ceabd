// The table for people. Columns that are empty in every row are left out so a one-provider
// answer stays readable in a terminal; amounts are rounded to cents here and only here.
#include <algorithm>
#include <cctype>
#include <functional>

#include "gpubill/format/formatter.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::format {

namespace {

struct Column {
  std::string header;
  bool right_aligned;
  std::function<std::string(const model::CostRecord&)> cell;
};

std::string short_time(model::Timestamp t) {
  std::string s = model::format_rfc3339(t);  // 2026-10-01T06:00:00Z
  s[10] = ' ';
  return s.substr(0, 16);                    // 2026-10-01 06:00
}

std::string fixed_or(const std::optional<model::Decimal>& d, int places, const char* missing) {
  return d ? d->to_fixed(places) : std::string(missing);
}

std::string pad(const std::string& text, std::size_t width, bool right) {
  std::size_t w = util::display_width(text);
  std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

std::string render_table(const RenderInput& in) {
  std::string out = in.title + "  " +
                    (in.asked.empty() ? model::format_rfc3339(in.period.start) + " .. " +
                                            model::format_rfc3339(in.period.end) +
                                            " (UTC, end exclusive)"
                                      : util::escape_for_terminal(in.asked)) +
                    "\n";
  if (in.rows_cover) {
    out += "rows cover " + model::format_rfc3339(in.rows_cover->start) + " .. " +
           model::format_rfc3339(in.rows_cover->end) + "\n";
  }
  if (in.records.empty()) {
    out += "No cost records in this period.\n";
    for (const std::string& note : in.notes) out += util::escape_for_terminal(note) + "\n";
    return out;
  }
  std::vector<Column> all = {
      {"PROVIDER", false, [](const model::CostRecord& r) { return r.provider; }},
      {"SERVICE", false, [](const model::CostRecord& r) { return r.service; }},
      {"RESOURCE_ID", false, [](const model::CostRecord& r) { return r.resource_id; }},
      {"RESOURCE_NAME", false, [](const model::CostRecord& r) { return r.resource_name; }},
      {"GPU_TYPE", false, [](const model::CostRecord& r) { return r.gpu_type; }},
      {"GPU_MODEL", false, [](const model::CostRecord& r) { return r.gpu_model; }},
      {"REGION", false, [](const model::CostRecord& r) { return r.region; }},
      {"START", false, [](const model::CostRecord& r) { return short_time(r.period.start); }},
      // A bucket still growing (it ends after now): its amount is not final.
      {"END", false, [](const model::CostRecord& r) {
         auto it = r.attributes.find(model::k_incomplete_attribute);
         bool so_far = it != r.attributes.end() && it->is_boolean() && it->get<bool>();
         return short_time(r.period.end) + (so_far ? " (so far)" : "");
       }},
      {"USAGE", true,
       [](const model::CostRecord& r) { return fixed_or(r.usage_quantity, 2, ""); }},
      {"UNIT", false, [](const model::CostRecord& r) { return r.usage_unit; }},
      {"AMOUNT", true,
       [&in](const model::CostRecord& r) {
         std::string cell = fixed_or(r.amount, 2, "n/a");
         return in.marked && in.marked(r) ? cell + "*" : cell;
       }},
      {"CURRENCY", false, [](const model::CostRecord& r) { return r.currency; }},
      {"DESCRIPTION", false, [](const model::CostRecord& r) { return r.description; }},
  };

  auto description = all.end() - 1;
  std::vector<Column> extra;
  for (const ExtraColumn& c : in.extra_columns) {
    if (!c.in_table) continue;
    std::string header = c.name;
    for (char& ch : header) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::function<std::string(const model::CostRecord&)> cell = c.cell;
    if (c.table_places >= 0) {
      cell = [cell, places = c.table_places](const model::CostRecord& r) {
        std::string text = cell(r);
        std::optional<model::Decimal> d = model::Decimal::parse(text);
        return d ? d->to_fixed(places) : text;
      };
    }
    extra.push_back({std::move(header), c.right_aligned, std::move(cell)});
  }
  all.insert(description, extra.begin(), extra.end());

  // Cells, escaped, per column; drop columns with no text in any row.
  std::vector<const Column*> columns;
  std::vector<std::vector<std::string>> cells;
  for (const Column& c : all) {
    std::vector<std::string> values;
    values.reserve(in.records.size());
    bool any = false;
    for (const model::CostRecord& r : in.records) {
      values.push_back(util::escape_for_terminal(c.cell(r)));
      any = any || !values.back().empty();
    }
    if (any) {
      columns.push_back(&c);
      cells.push_back(std::move(values));
    }
  }

  // Totals rows: "TOTAL" in the first column, the sum under AMOUNT, currency under CURRENCY.
  std::vector<std::vector<std::string>> totals;
  for (const model::Money& m : in.totals) {
    std::vector<std::string> row(columns.size());
    row[0] = "TOTAL";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i]->header == "AMOUNT") row[i] = m.amount.to_fixed(2);
      if (columns[i]->header == "CURRENCY") row[i] = util::escape_for_terminal(m.currency);
    }
    totals.push_back(std::move(row));
  }

  std::vector<std::size_t> widths(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    widths[i] = util::display_width(columns[i]->header);
    for (const std::string& v : cells[i]) widths[i] = std::max(widths[i], util::display_width(v));
    for (const auto& row : totals) widths[i] = std::max(widths[i], util::display_width(row[i]));
  }

  auto emit_row = [&](const std::vector<std::string>& row, bool bold) {
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      bool last = i + 1 == columns.size();
      std::string cell = (last && !columns[i]->right_aligned)
                             ? row[i]
                             : pad(row[i], widths[i], columns[i]->right_aligned);
      line += cell;
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += bold ? "\x1b[1m" + line + "\x1b[0m\n" : line + "\n";
  };

  std::vector<std::string> header;
  for (const Column* c : columns) header.emplace_back(c->header);
  emit_row(header, in.color);
  for (std::size_t r = 0; r < in.records.size(); ++r) {
    std::vector<std::string> row;
    row.reserve(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) row.push_back(cells[i][r]);
    emit_row(row, false);
  }
  std::size_t rule_width = 0;
  for (std::size_t w : widths) rule_width += w + 2;
  out += std::string(rule_width > 2 ? rule_width - 2 : 0, '-') + "\n";
  for (const auto& row : totals) emit_row(row, in.color);
  if (in.records_without_amount > 0) {
    out += std::to_string(in.records_without_amount) +
           " row(s) had no price (n/a) and are not in the totals.\n";
  }
  for (const std::string& note : in.notes) out += util::escape_for_terminal(note) + "\n";
  return out;
}

}  // namespace gpubill::format
