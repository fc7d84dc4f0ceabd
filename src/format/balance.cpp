#include <algorithm>

#include "gpubill/format/formatter.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::format {

namespace {

using nlohmann::ordered_json;

std::string balance_object(const model::Balance& b) {
  std::string out = "{\"provider\": " + ordered_json(b.provider).dump() +
                    ", \"currency\": " + ordered_json(b.currency).dump();
  for (const auto& [name, value] : b.figures) {
    out += ", " + ordered_json(name).dump() + ": " + (value ? value->to_string() : "null");
  }
  out += ", \"attributes\": " +
         b.attributes.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "}";
  return out;
}

}  // namespace

std::string render_balance(const model::Balance& b, const ordered_json& query, Format format) {
  switch (format) {
    case Format::json:
      return "{\"schema_version\": 1,\n \"query\": " +
             query.dump(-1, ' ', false, ordered_json::error_handler_t::replace) +
             ",\n \"balance\": " + balance_object(b) + "}\n";
    case Format::ndjson:
      return balance_object(b) + "\n";
    case Format::focus:  // refused before (a balance is no cost); its CSV if it came here
    case Format::csv: {
      std::vector<std::string> header = {"provider", "currency"};
      std::vector<std::string> row = {b.provider, b.currency};
      for (const auto& [name, value] : b.figures) {
        header.push_back(name);
        row.push_back(value ? value->to_string() : "");
      }
      return csv_line(header) + csv_line(row);
    }
    case Format::table: {
      // Names left-aligned, amounts right-aligned so the decimal points line up.
      std::size_t name_width = 0;
      std::size_t value_width = 0;
      std::vector<std::string> shown;
      for (const auto& [name, value] : b.figures) {
        name_width = std::max(name_width, name.size());
        shown.push_back(value ? value->to_fixed(2) : "n/a");
        value_width = std::max(value_width, shown.back().size());
      }
      std::string out = util::escape_for_terminal(b.provider) + " balance (" +
                        util::escape_for_terminal(b.currency) + ")\n";
      for (std::size_t i = 0; i < b.figures.size(); ++i) {
        const std::string& name = b.figures[i].first;
        out += name + std::string(name_width - name.size() + 2, ' ') +
               std::string(value_width - shown[i].size(), ' ') + shown[i] + "\n";
      }
      return out;
    }
  }
  return {};
}

}  // namespace gpubill::format
