// What every store shares: part keys, the stored form of a record, natural keys, where the
// default ledger lives, and opening a location.
#include "gpubill/ledger/ledger.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "gpubill/version.hpp"
#include "ledger/ledger_rows.hpp"

namespace gpubill::ledger {

std::unique_ptr<Ledger> open_sqlite(const std::string& path, bool create, int busy_ms);
std::unique_ptr<Ledger> open_postgres(const std::string& url, bool create, int busy_ms);

bool is_postgres(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

WriteCounts& WriteCounts::operator+=(const WriteCounts& o) {
  seen += o.seen;
  added += o.added;
  restated += o.restated;
  updated += o.updated;
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

std::pair<std::string, std::map<std::string, std::vector<std::string>>> split_part_key(const std::string& key) {
  std::size_t q = key.find('?');
  std::pair<std::string, std::map<std::string, std::vector<std::string>>> out{key.substr(0, q), {}};
  if (q == std::string::npos) return out;
  std::size_t at = q + 1;
  while (at <= key.size()) {
    std::size_t amp = std::min(key.find('&', at), key.size());
    std::string item = key.substr(at, amp - at);
    std::size_t eq = item.find('=');
    std::vector<std::string>& values = out.second[item.substr(0, eq)];
    if (eq != std::string::npos) {
      std::size_t v = eq + 1;
      while (v <= item.size()) {
        std::size_t comma = std::min(item.find(',', v), item.size());
        values.push_back(item.substr(v, comma - v));
        v = comma + 1;
      }
    }
    at = amp + 1;
  }
  return out;
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
  std::vector<std::string> keys(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const model::CostRecord& r = records[i];
    const RowValues& v = values[i];
    std::string& key = keys[i];
    key.reserve(key_prefix_size(v) + 16 * key_attributes.size());
    for (std::size_t c : k_key_columns) {
      if (c != k_key_columns[0]) key += '\x1f';
      key += *v[c];
    }
    for (const std::string& name : key_attributes) {
      auto it = r.attributes.find(name);
      key += '\x1f';
      if (it != r.attributes.end()) key += it->is_string() ? it->get_ref<const std::string&>() : it->dump();
    }
  }
  // The n-th repeat of a key gets "#n": counted over views of the keys, suffixed after.
  std::vector<int> repeat(records.size(), 0);
  {
    std::unordered_map<std::string_view, int> seen;
    seen.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) repeat[i] = seen.try_emplace(keys[i], 0).first->second++;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (repeat[i] > 0) keys[i] += "\x1f#" + std::to_string(repeat[i]);
  }
  return keys;
}

std::string month_of(model::Timestamp t) { return model::format_rfc3339(t).substr(0, 7); }

std::string when(model::Timestamp t) { return model::format_rfc3339(t); }

PartChanges plan_part(const std::vector<model::CostRecord>& records,
                      const std::unordered_map<std::string, StoredRow>& stored,
                      const std::vector<std::string>& key_attributes) {
  PartChanges c;
  c.counts.seen = records.size();
  if (records.empty() && !stored.empty()) {
    c.counts.kept = stored.size();  // a provider forgetting is not a refund
    return c;
  }
  c.rows.resize(records.size());
  // Rows of one answer mostly share a few attribute objects (model/attributes.hpp): each is
  // written out once.
  std::unordered_map<const void*, std::string> dumped;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const model::Attributes& a = records[i].attributes;
    auto it = dumped.find(&a.get());
    if (it == dumped.end()) it = dumped.emplace(&a.get(), a.empty() ? std::string("{}") : a.get().dump()).first;
    c.rows[i] = row_values(records[i], it->second);
  }
  c.keys = natural_keys(records, c.rows, key_attributes);
  if (stored.empty()) {  // a month never stored: every record is new
    c.counts.added = records.size();
    c.inserts.resize(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) c.inserts[i] = i;
    return c;
  }
  std::unordered_set<std::string_view> answered;  // views of c.keys, which stay as they are
  answered.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto it = stored.find(c.keys[i]);
    if (it == stored.end()) {
      ++c.counts.added;
      c.inserts.push_back(i);
      continue;
    }
    answered.insert(c.keys[i]);
    if (it->second.values == c.rows[i]) {
      if (it->second.seq != static_cast<std::int64_t>(i)) c.reorders.emplace_back(it->second.id, i);
      continue;
    }
    const RowValues& was = it->second.values;
    bool money = was[k_amount_column] != c.rows[i][k_amount_column] ||
                 was[k_usage_column] != c.rows[i][k_usage_column];
    ++(money ? c.counts.restated : c.counts.updated);
    c.closes.push_back(it->second.id);
    c.inserts.push_back(i);
  }
  for (const auto& [key, row] : stored) {
    if (answered.count(key) != 0) continue;
    ++c.counts.gone;
    c.closes.push_back(row.id);
  }
  return c;
}

std::vector<model::Period> not_covered(const model::Period& period,
                                       const std::map<std::string, model::Period>& covered) {
  std::vector<model::Period> out;
  for (model::Timestamp m = model::start_of_month(period.start); m < period.end; m = model::add_months(m, 1)) {
    model::Period inside{std::max(m, period.start), std::min(model::add_months(m, 1), period.end)};
    auto it = covered.find(month_of(m));
    if (it == covered.end()) {
      out.push_back(inside);
      continue;
    }
    if (it->second.end < inside.end) out.push_back({std::max(it->second.end, inside.start), inside.end});
    if (it->second.start > inside.start) out.push_back({inside.start, std::min(it->second.start, inside.end)});
  }
  return out;
}

std::vector<std::string> month_gaps(const std::string& first, const std::string& last,
                                    const std::set<std::string>& months) {
  std::vector<std::string> gaps;
  std::optional<model::Timestamp> at = model::parse_provider_time(first + "-01");
  std::optional<model::Timestamp> end = model::parse_provider_time(last + "-01");
  for (model::Timestamp t = at.value_or(model::Timestamp{}); at && end && t <= *end; t = model::add_months(t, 1)) {
    if (months.count(month_of(t)) == 0) gaps.push_back(month_of(t));
  }
  return gaps;
}

// The schema (docs/ledger.md, "Schema"): one text for both stores, with the types each
// spells its own way. Version 1 kept each record's provider, account, part, month and whole
// natural key in its row (and again in a unique index); version 2 keeps the four once, in
// slots, of the key only what its columns do not hold, and indexes the slot.
const char* const k_schema_common = R"sql(
CREATE TABLE schema_version(version INTEGER NOT NULL);
CREATE TABLE syncs(
  id {id},
  provider TEXT NOT NULL,
  account TEXT NOT NULL,
  started_at {time} NOT NULL,
  finished_at {time},
  span_start {time} NOT NULL,
  span_end {time} NOT NULL,
  status TEXT NOT NULL,
  rows_seen {int} NOT NULL DEFAULT 0,
  rows_added {int} NOT NULL DEFAULT 0,
  rows_restated {int} NOT NULL DEFAULT 0,
  rows_gone {int} NOT NULL DEFAULT 0,
  gpubill_version TEXT NOT NULL);
CREATE TABLE windows(
  id {id},
  provider TEXT NOT NULL,
  account TEXT NOT NULL,
  part TEXT NOT NULL,
  month TEXT NOT NULL,
  period_start {time} NOT NULL,
  period_end {time} NOT NULL,
  seen_from {time} NOT NULL,
  seen_until {time},
  sync_id {int} NOT NULL REFERENCES syncs(id));
CREATE UNIQUE INDEX windows_current ON windows(provider, account, part, month)
  WHERE seen_until IS NULL;
)sql";

#define GPUBILL_LEDGER_RECORD_VALUES_DDL                                                  \
  "  service TEXT NOT NULL,\n  resource_id TEXT NOT NULL,\n  resource_name TEXT NOT NULL,\n" \
  "  gpu_type TEXT NOT NULL,\n  gpu_model TEXT NOT NULL,\n  region TEXT NOT NULL,\n"          \
  "  currency TEXT NOT NULL,\n  usage_unit TEXT NOT NULL,\n  description TEXT NOT NULL,\n"    \
  "  period_start {time} NOT NULL,\n  period_end {time} NOT NULL,\n"                        \
  "  amount {money amount},\n  usage_quantity {money usage_quantity},\n"                      \
  "  attributes TEXT NOT NULL,\n  seen_from {time} NOT NULL,\n  seen_until {time},\n"       \
  "  sync_id {int} NOT NULL REFERENCES syncs(id));\n"

const char* const k_records_v1 =
    "CREATE TABLE records(\n  id {id},\n  provider TEXT NOT NULL,\n  account TEXT NOT NULL,\n"
    "  part TEXT NOT NULL,\n  month TEXT NOT NULL,\n  natural_key TEXT NOT NULL,\n  seq {int} NOT NULL,\n"
    GPUBILL_LEDGER_RECORD_VALUES_DDL
    "CREATE UNIQUE INDEX records_current ON records(provider, account, part, month, natural_key)\n"
    "  WHERE seen_until IS NULL;\n";

const char* const k_records_v2 =
    "CREATE TABLE {records}(\n  id {id},\n  slot_id {int} NOT NULL REFERENCES slots(id),\n"
    "  key_rest TEXT NOT NULL,\n  seq {int} NOT NULL,\n"
    GPUBILL_LEDGER_RECORD_VALUES_DDL;

const char* const k_slots_v2 =
    "CREATE TABLE slots(\n  id {id},\n  provider TEXT NOT NULL,\n  account TEXT NOT NULL,\n"
    "  part TEXT NOT NULL,\n  month TEXT NOT NULL);\n"
    "CREATE UNIQUE INDEX slots_key ON slots(provider, account, part, month);\n";

// On the slot alone: a write reads a slot's current rows, a read its versions. One current
// version per natural key is kept by the write path (docs/ledger.md, "Schema"), not by a
// unique index, which made a first sync a third slower (docs/performance.md); integrity_check()
// counts any key with two.
const char* const k_records_index_v2 = "CREATE INDEX records_slot ON records(slot_id);\n";

const char* const k_doubled_keys_sql =
    "SELECT COUNT(*) FROM (SELECT 1 FROM records WHERE seen_until IS NULL GROUP BY slot_id, "
    GPUBILL_LEDGER_KEY_COLUMNS ", key_rest HAVING COUNT(*) > 1) d";

namespace {

std::string expand(std::string_view t, const SchemaTypes& types, const char* records = "records") {
  std::string out;
  for (std::size_t at = 0; at < t.size();) {
    std::size_t open = t.find('{', at);
    if (open == std::string_view::npos) {
      out += t.substr(at);
      break;
    }
    std::size_t close = t.find('}', open);
    out += t.substr(at, open - at);
    std::string_view name = t.substr(open + 1, close - open - 1);
    if (name == "id") {
      out += types.id;
    } else if (name == "int") {
      out += types.integer;
    } else if (name == "time") {
      out += types.time;
    } else if (name == "records") {
      out += records;
    } else {  // "money COLUMN"
      out += types.money(std::string(name.substr(name.find(' ') + 1)).c_str());
    }
    at = close + 1;
  }
  return out;
}

}  // namespace

std::string schema_v1(const SchemaTypes& types) {
  return expand(std::string(k_schema_common) + k_records_v1, types);
}

std::string schema_v2(const SchemaTypes& types) {
  return expand(std::string(k_schema_common) + k_slots_v2 + k_records_v2 + k_records_index_v2, types);
}

std::string migration_v1_to_v2(const SchemaTypes& types, const MigrationSpelling& spelling) {
  // The natural key of version 1 is the key columns joined by \x1f, then the rest (the
  // provider's key attributes, a repeat's "#n"): the rest is what version 2 keeps.
  std::string prefix;
  for (const char* c : {"service", "resource_id", "gpu_type", "region", "currency", "usage_unit",
                        "description", "period_start", "period_end"}) {
    if (!prefix.empty()) prefix += std::string(" || ") + spelling.separator + " || ";
    std::string column = std::string("r.") + c;
    prefix += std::string_view(c).rfind("period_", 0) == 0 ? spelling.time_text(column) : column;
  }
  std::string sql = expand(std::string(k_slots_v2) + k_records_v2, types, "records_v2");
  sql += "INSERT INTO slots(provider, account, part, month) SELECT DISTINCT provider, account, part, month "
         "FROM records ORDER BY provider, account, part, month;\n";
  sql += std::string("INSERT INTO records_v2(id, slot_id, key_rest, seq, " k_value_columns
                     ", seen_from, seen_until, sync_id) ") + spelling.overriding +
         " SELECT r.id, s.id, substr(r.natural_key, length(" + prefix + ") + 1), r.seq";
  for (const char* c : {"service", "resource_id", "resource_name", "gpu_type", "gpu_model", "region", "currency",
                        "usage_unit", "description", "period_start", "period_end", "amount", "usage_quantity",
                        "attributes", "seen_from", "seen_until", "sync_id"}) {
    sql += std::string(", r.") + c;
  }
  sql += " FROM records r JOIN slots s ON s.provider = r.provider AND s.account = r.account AND "
         "s.part = r.part AND s.month = r.month ORDER BY r.id;\n"
         "DROP TABLE records;\n"
         "ALTER TABLE records_v2 RENAME TO records;\n";
  sql += k_records_index_v2;
  sql += "UPDATE schema_version SET version = 2;\n";
  return sql;
}

std::size_t key_prefix_size(const RowValues& v) {
  std::size_t size = k_key_column_count - 1;
  for (std::size_t c : k_key_columns) size += v[c]->size();
  return size;
}

std::string stored_natural_key(const RowValues& v, std::string_view key_rest) {
  std::string key;
  key.reserve(key_prefix_size(v) + key_rest.size());
  for (std::size_t c : k_key_columns) {
    if (c != k_key_columns[0]) key += '\x1f';
    key += *v[c];
  }
  key += key_rest;
  return key;
}

void check_schema_version(std::int64_t version, const std::string& where) {
  if (version > k_schema_version) {
    throw LedgerError("ledger " + where + ": schema version " + std::to_string(version) +
                      " was written by a newer gpubill; this one (" + k_version + ") reads version " +
                      std::to_string(k_schema_version) + ": upgrade gpubill");
  }
  if (version < 1) {
    throw LedgerError("ledger " + where + ": schema version " + std::to_string(version) +
                      " is unknown to this gpubill");
  }
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
  int busy_ms = 30000;
  if (const char* s = std::getenv("GPUBILL_LEDGER_TIMEOUT")) {
    char* end = nullptr;
    double seconds = std::strtod(s, &end);
    if (end != s && *end == '\0' && seconds >= 0 && seconds <= 3600) busy_ms = static_cast<int>(seconds * 1000);
  }
  if (is_postgres(location)) return open_postgres(location, create, busy_ms);
  return open_sqlite(location, create, busy_ms);
}

}  // namespace gpubill::ledger
