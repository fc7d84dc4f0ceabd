// `gpubill providers`: every registered provider, whether its key is set (never the key, and
// api_key_command is not run), and its base URL with where that came from.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/command_support.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::cli {

namespace {

struct Row {
  std::string provider, key, key_env, base_url, base_url_source, url_env;
  std::map<std::string, std::string> settings;  ///< the provider's own (api_version, ...)
  std::vector<std::string> fields() const {
    return {provider, key, key_env, base_url, base_url_source, url_env};
  }
};

const std::vector<std::string> k_header = {"provider", "key",             "key_env",
                                           "base_url", "base_url_source", "url_env"};

nlohmann::ordered_json to_json(const Row& r) {
  nlohmann::ordered_json j;
  std::vector<std::string> f = r.fields();
  for (std::size_t i = 0; i < k_header.size(); ++i) j[k_header[i]] = f[i];
  if (!r.settings.empty()) j["settings"] = r.settings;
  return j;
}

std::string table(const std::vector<Row>& rows, const config::ConfigFile& file) {
  std::vector<std::vector<std::string>> cells = {{"PROVIDER", "KEY", "BASE_URL"}};
  for (const Row& r : rows) {
    cells.push_back({r.provider, r.key + " (" + r.key_env + ")",
                     r.base_url + (r.base_url_source == "default" ? "" : " (" + r.base_url_source + ")")});
  }
  std::size_t w0 = 0;
  std::size_t w1 = 0;
  for (const auto& c : cells) {
    w0 = std::max(w0, util::display_width(c[0]));
    w1 = std::max(w1, util::display_width(c[1]));
  }
  std::string out;
  for (const auto& c : cells) {
    out += c[0] + std::string(w0 - util::display_width(c[0]) + 2, ' ') + c[1] +
           std::string(w1 - util::display_width(c[1]) + 2, ' ') + util::escape_for_terminal(c[2]) +
           "\n";
  }
  for (const Row& r : rows) {
    for (const auto& [key, value] : r.settings) {
      out += r.provider + " " + key + ": " + util::escape_for_terminal(value) + "\n";
    }
  }
  out += "config file: " + util::escape_for_terminal(file.path) +
         (file.exists ? "" : " (not present)") + "\n";
  return out;
}

}  // namespace

int run_providers(const Invocation& inv, const config::Environment& env) {
  config::ConfigFile file = load_config(inv.global, env);
  format::Format fmt = *format::parse_format(inv.global.output);
  Output output(inv.global.out_file);

  std::vector<Row> rows;
  for (const std::unique_ptr<providers::Provider>& p : providers::registry()) {
    const providers::ProviderInfo& info = p->info();
    config::ProviderSettings s = config::settings_for(settings_spec(info), file, env);
    rows.push_back({info.name, config::describe(s.key_source), info.key_env, s.base_url,
                    s.base_url_source, info.url_env, s.extra});
  }

  std::string text;
  switch (fmt) {
    case format::Format::json: {
      nlohmann::ordered_json doc;
      doc["schema_version"] = 1;
      doc["config_file"] = file.path;
      doc["config_file_exists"] = file.exists;
      doc["providers"] = nlohmann::ordered_json::array();
      for (const Row& r : rows) doc["providers"].push_back(to_json(r));
      text = doc.dump(2) + "\n";
      break;
    }
    case format::Format::ndjson:
      for (const Row& r : rows) text += to_json(r).dump() + "\n";
      break;
    case format::Format::focus:  // refused in parse(): not cost records
    case format::Format::csv:
      text = format::csv_line(k_header);
      for (const Row& r : rows) text += format::csv_line(r.fields());
      break;
    case format::Format::table:
      text = table(rows, file);
      break;
  }
  output.deliver(text);
  return 0;
}

}  // namespace gpubill::cli
