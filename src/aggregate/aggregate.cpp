#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/aggregate/fx.hpp"
#include "gpubill/model/gpu_catalog.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

namespace gpubill::aggregate {

Totals totals_by_currency(const std::vector<model::CostRecord>& records) {
  std::map<std::string, model::Decimal> sums;
  Totals totals;
  for (const model::CostRecord& r : records) {
    if (!r.amount) {
      ++totals.records_without_amount;
      continue;
    }
    sums[r.currency] += *r.amount;
  }
  for (const auto& [currency, amount] : sums) {
    totals.by_currency.push_back({currency, amount});
  }
  return totals;
}

}  // namespace gpubill::aggregate

namespace gpubill::aggregate {

const std::vector<std::string>& group_keys() {
  static const std::vector<std::string> keys = {"provider", "service", "resource", "gpu",
                                                "region",   "day",     "week",     "month"};
  return keys;
}

std::string check_group_keys(const std::vector<std::string>& keys) {
  int time_keys = 0;
  for (const std::string& k : keys) {
    if (std::find(group_keys().begin(), group_keys().end(), k) == group_keys().end()) {
      return "unknown key '" + k +
             "': use provider, service, resource, gpu, region, day, week or month";
    }
    if (k == "day" || k == "week" || k == "month") ++time_keys;
  }
  if (time_keys > 1) return "use only one of day, week and month";
  return {};
}

namespace {

model::Timestamp bucket_of(model::Timestamp t, const std::string& key) {
  model::Timestamp day = model::start_of_day(t);
  if (key == "day") return day;
  if (key == "month") return model::start_of_month(t);
  // ISO weeks start on Monday; 1970-01-01 was a Thursday.
  long long days = std::chrono::duration_cast<std::chrono::days>(day.time_since_epoch()).count();
  long long since_monday = ((days + 3) % 7 + 7) % 7;
  return day - std::chrono::days{since_monday};
}

model::Timestamp bucket_end(model::Timestamp start, const std::string& key) {
  if (key == "day") return start + std::chrono::days{1};
  if (key == "week") return start + std::chrono::days{7};
  return model::add_months(start, 1);
}

// A record's GPU hours (k_gpu_hours_attribute), if it says them.
std::optional<model::Decimal> gpu_hours_of(const model::CostRecord& r) {
  auto it = r.attributes.find(model::k_gpu_hours_attribute);
  if (it == r.attributes.end() || !it->is_string()) return std::nullopt;
  return model::Decimal::parse(it->get<std::string>());
}

}  // namespace

std::size_t spanning_rows(const std::vector<model::CostRecord>& grouped) {
  return static_cast<std::size_t>(std::count_if(grouped.begin(), grouped.end(), [](const model::CostRecord& r) {
    return r.attributes.contains(k_spans_buckets_attribute);
  }));
}

std::vector<model::CostRecord> group_records(const std::vector<model::CostRecord>& records,
                                             const std::vector<std::string>& keys) {
  std::string problem = check_group_keys(keys);
  if (!problem.empty()) throw std::invalid_argument(problem);
  std::string time_key;
  for (const std::string& k : keys) {
    if (k == "day" || k == "week" || k == "month") time_key = k;
  }
  auto has = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };

  struct Group {
    model::CostRecord record;
    std::optional<std::string> unit;  // the common usage unit so far
    std::pair<std::string, std::string> usage_kind;  // and its provider and service
    bool usage_mixed = false;
    std::size_t count = 0;
    std::size_t without_amount = 0;
    nlohmann::ordered_json fx = nlohmann::ordered_json::object();  // see merge_fx
    std::optional<std::string> gpu_type;  // kept when every record of the group has the same
    bool gpu_type_mixed = false;
    model::Decimal gpu_hours;
    bool gpu_hours_complete = true;  // every priced record said its GPU hours
    bool incomplete = false;  // a record of it is still growing
  };
  std::map<std::vector<std::string>, Group> groups;
  for (const model::CostRecord& r : records) {
    model::CostRecord key_record;
    if (has("provider")) key_record.provider = r.provider;
    if (has("service")) key_record.service = r.service;
    if (has("resource")) {
      key_record.resource_id = r.resource_id;
      key_record.resource_name = r.resource_name;
    }
    if (has("gpu")) {
      // One GPU across providers: the canonical model where known, else the provider's name.
      key_record.gpu_model = r.gpu_model;
      if (r.gpu_model.empty()) key_record.gpu_type = r.gpu_type;
    }
    if (has("region")) key_record.region = r.region;
    key_record.currency = r.currency;
    // A record longer than its bucket (a month of Hyperstack history under --group-by day, a
    // subscription from the 15th to the 14th under month) is never filed under the bucket it
    // starts in: it is a row of its own with its true start and end.
    bool spans = false;
    if (!time_key.empty()) {
      model::Timestamp start = bucket_of(r.period.start, time_key);
      key_record.period = {start, bucket_end(start, time_key)};
      if (r.period.end > key_record.period.end) {
        spans = true;
        key_record.period = r.period;
      }
    }
    std::vector<std::string> id = {key_record.provider,    key_record.service,
                                   key_record.resource_id, key_record.resource_name,
                                   key_record.gpu_type,    key_record.gpu_model,
                                   key_record.region,      model::format_rfc3339(key_record.period.start),
                                   spans ? model::format_rfc3339(key_record.period.end) : "",
                                   key_record.currency};
    auto [it, fresh] = groups.try_emplace(id);
    Group& g = it->second;
    if (fresh) {
      g.record = key_record;
      if (time_key.empty()) g.record.period = r.period;
      g.record.amount = model::Decimal{};
      if (spans) g.record.attributes[k_spans_buckets_attribute] = true;
    } else if (time_key.empty()) {
      g.record.period.start = std::min(g.record.period.start, r.period.start);
      g.record.period.end = std::max(g.record.period.end, r.period.end);
    }
    ++g.count;
    if (has("gpu") && !r.gpu_model.empty() && !g.gpu_type_mixed) {
      if (!g.gpu_type) {
        g.gpu_type = r.gpu_type;
      } else if (*g.gpu_type != r.gpu_type) {
        g.gpu_type_mixed = true;
      }
    }
    if (r.amount) {  // hours of unpriced records would make the price per hour look low
      std::optional<model::Decimal> hours = gpu_hours_of(r);
      if (hours) {
        g.gpu_hours += *hours;
      } else {
        g.gpu_hours_complete = false;
      }
    }
    if (r.attributes.contains(model::k_incomplete_attribute)) g.incomplete = true;
    auto fx = r.attributes.find(k_fx_attribute);
    if (fx != r.attributes.end()) merge_fx(g.fx, *fx);
    if (r.amount) {
      *g.record.amount += *r.amount;
    } else {
      ++g.without_amount;
    }
    if (r.usage_quantity && !g.usage_mixed) {
      // Quantities add only when they mean the same thing: one unit of one provider's service
      // (VM hours and volume hours are both "hour", and adding them means nothing).
      std::pair<std::string, std::string> kind{r.provider, r.service};
      if (!g.unit) {
        g.unit = r.usage_unit;
        g.usage_kind = kind;
        g.record.usage_quantity = *r.usage_quantity;
        g.record.usage_unit = r.usage_unit;
      } else if (*g.unit == r.usage_unit && g.usage_kind == kind) {
        *g.record.usage_quantity += *r.usage_quantity;
      } else {
        g.usage_mixed = true;
        g.record.usage_quantity.reset();
        g.record.usage_unit = {};
      }
    }
  }
  std::vector<model::CostRecord> out;
  out.reserve(groups.size());
  for (auto& [id, g] : groups) {
    if (g.without_amount == g.count) g.record.amount.reset();  // nothing priced: no amount
    g.record.attributes["records"] = g.count;
    if (g.without_amount > 0) g.record.attributes["records_without_amount"] = g.without_amount;
    if (!g.fx.empty()) g.record.attributes[k_fx_attribute] = std::move(g.fx);
    if (g.gpu_type && !g.gpu_type_mixed) g.record.gpu_type = *g.gpu_type;
    if (g.incomplete) g.record.attributes[model::k_incomplete_attribute] = true;
    if (g.gpu_hours_complete && g.gpu_hours > model::Decimal{}) {
      g.record.attributes[model::k_gpu_hours_attribute] = g.gpu_hours.to_string();
      if (g.record.amount) {
        g.record.attributes[model::k_cost_per_gpu_hour_attribute] =
            g.record.amount->divided_by(g.gpu_hours).to_string();
      }
    }
    out.push_back(std::move(g.record));
  }
  return out;
}

}  // namespace gpubill::aggregate
