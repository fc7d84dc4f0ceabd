// What every store shares: part keys, the stored form of a record, natural keys, where the
// default ledger lives, and opening a location.
#include "gpubill/ledger/ledger.hpp"

#include <cstdlib>
#include <map>
#include <unordered_map>

#include "ledger/ledger_rows.hpp"

namespace gpubill::ledger {

std::unique_ptr<Ledger> open_sqlite(const std::string& path, bool create, int busy_ms);

WriteCounts& WriteCounts::operator+=(const WriteCounts& o) {
  seen += o.seen;
  added += o.added;
  restated += o.restated;
  gone += o.gone;
  kept += o.kept;
  return *this;
}

std::string part_key(const std::string& resource,
                     const std::map<std::string, std::vector<std::string>>& options) {
  std::string key = resource;
  char sep = '?';
  for (const auto& [flag, values] : options) {
    key += sep + flag + "=";
    for (std::size_t i = 0; i < values.size(); ++i) key += (i ? "," : "") + values[i];
    sep = '&';
  }
  return key;
}

RowValues row_values(const model::CostRecord& r) {
  return row_values(r, r.attributes.empty() ? std::string("{}") : r.attributes.get().dump());
}

RowValues row_values(const model::CostRecord& r, std::string attributes_json) {
  return {r.service.str(),
          r.resource_id.str(),
          r.resource_name.str(),
          r.gpu_type.str(),
          r.gpu_model.str(),
          r.region.str(),
          r.currency.str(),
          r.usage_unit.str(),
          r.description.str(),
          model::format_rfc3339(r.period.start),
          model::format_rfc3339(r.period.end),
          r.amount ? std::optional<std::string>(r.amount->to_string()) : std::nullopt,
          r.usage_quantity ? std::optional<std::string>(r.usage_quantity->to_string()) : std::nullopt,
          std::move(attributes_json)};
}

model::CostRecord record_from(const std::string& provider, const RowValues& v,
                              const std::string& where) {
  auto bad = [&](const std::string& what) -> LedgerError {
    return LedgerError("ledger " + where + ": a stored " + provider + " record has " + what +
                       " (was the file edited by hand?)");
  };
  model::CostRecord r;
  r.provider = provider;
  r.service = v[0].value_or("");
  r.resource_id = v[1].value_or("");
  r.resource_name = v[2].value_or("");
  r.gpu_type = v[3].value_or("");
  r.gpu_model = v[4].value_or("");
  r.region = v[5].value_or("");
  r.currency = v[6].value_or("");
  r.usage_unit = v[7].value_or("");
  r.description = v[8].value_or("");
  std::optional<model::Timestamp> start = model::parse_provider_time(v[9].value_or(""));
  std::optional<model::Timestamp> end = model::parse_provider_time(v[10].value_or(""));
  if (!start || !end) throw bad("a period that is not a time");
  r.period = {*start, *end};
  if (v[11]) {
    r.amount = model::Decimal::parse(*v[11]);
    if (!r.amount) throw bad("an amount that is not a decimal: '" + *v[11] + "'");
  }
  if (v[12]) {
    r.usage_quantity = model::Decimal::parse(*v[12]);
    if (!r.usage_quantity) throw bad("a usage that is not a decimal: '" + *v[12] + "'");
  }
  nlohmann::ordered_json attributes = nlohmann::ordered_json::parse(v[13].value_or("{}"), nullptr, false);
  if (attributes.is_discarded() || !attributes.is_object()) throw bad("attributes that are not a JSON object");
  if (!attributes.empty()) {
    r.attributes = std::move(attributes);
    r.attributes.share();
  }
  return r;
}

std::vector<std::string> natural_keys(const std::vector<model::CostRecord>& records,
                                      const std::vector<RowValues>& values,
                                      const std::vector<std::string>& key_attributes) {
  std::vector<std::string> keys;
  keys.reserve(records.size());
  std::unordered_map<std::string, int> repeats;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const model::CostRecord& r = records[i];
    std::string key;
    for (const std::string* part :
         {&r.service.str(), &r.resource_id.str(), &r.gpu_type.str(), &r.region.str(),
          &r.currency.str(), &r.usage_unit.str(), &r.description.str()}) {
      key += *part;
      key += '\x1f';
    }
    key += *values[i][9];  // period start and end, as stored
    key += '\x1f';
    key += *values[i][10];
    for (const std::string& name : key_attributes) {
      auto it = r.attributes.find(name);
      key += '\x1f';
      if (it != r.attributes.end()) key += it->is_string() ? it->get<std::string>() : it->dump();
    }
    int n = repeats.try_emplace(key, 0).first->second++;
    if (n > 0) key += "\x1f#" + std::to_string(n);
    keys.push_back(std::move(key));
  }
  return keys;
}

std::string default_location(const char* xdg_data_home, const char* home) {
  if (xdg_data_home != nullptr && xdg_data_home[0] == '/') {
    return std::string(xdg_data_home) + "/gpubill/ledger.db";
  }
  if (home == nullptr || home[0] == '\0') {
    throw LedgerError("ledger: neither XDG_DATA_HOME nor HOME is set: give --ledger PATH");
  }
  return std::string(home) + "/.local/share/gpubill/ledger.db";
}

std::unique_ptr<Ledger> Ledger::open(const std::string& location, bool create) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) {
    throw LedgerError("ledger: PostgreSQL ledgers are not built yet (docs/ledger.md); use a file path");
  }
  int busy_ms = 30000;
  if (const char* s = std::getenv("GPUBILL_LEDGER_TIMEOUT")) {
    char* end = nullptr;
    double seconds = std::strtod(s, &end);
    if (end != s && *end == '\0' && seconds >= 0 && seconds <= 3600) busy_ms = static_cast<int>(seconds * 1000);
  }
  return open_sqlite(location, create, busy_ms);
}

}  // namespace gpubill::ledger
