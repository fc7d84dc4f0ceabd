#include <algorithm>

#include "gpubill/util/redact.hpp"
#include "gpubill/providers/gpu.hpp"
#include "gpubill/util/error.hpp"
#include "providers/hyperstack/hyperstack_api.hpp"

namespace gpubill::providers::hyperstack {

using model::CostRecord;
using model::Decimal;
using nlohmann::json;

std::string request_date(model::Timestamp t) {
  std::string s = model::format_rfc3339(t);  // 2026-05-01T00:00:00Z
  s.pop_back();
  return s;
}

json unwrap(const json& doc, const std::string& wrapper, const Endpoint& ep) {
  if (!doc.is_object()) throw ProviderError(ep.prefix() + ": expected a JSON object");
  for (const char* flag : {"status", "success"}) {
    auto it = doc.find(flag);
    if (it != doc.end() && it->is_boolean() && !it->get<bool>()) {
      std::string message = error_message_from_body(doc.dump(), ep);
      auto reason = doc.find("error_reason");
      if (reason != doc.end() && reason->is_string()) {
        message = reason->get<std::string>() + (message.empty() ? "" : ": " + message);
      }
      throw ProviderError(ep.prefix() + ": the provider answered " + flag + " false" +
                          (message.empty() ? std::string() : ": " + message));
    }
  }
  auto it = doc.find(wrapper);
  if (it != doc.end() && !it->is_null()) return *it;
  const json* found = nullptr;
  std::size_t candidates = 0;
  for (const auto& [key, value] : doc.items()) {
    if (key.rfind("billing_history", 0) == 0 && !value.is_null()) {
      found = &value;
      ++candidates;
    }
  }
  if (candidates == 1) return *found;
  throw ProviderError(ep.prefix() + ": no '" + wrapper + "' in the answer" +
                      (candidates > 1 ? " and more than one billing_history* member" : "") +
                      ": the API may have changed");
}

namespace {

// The items of a wrapper: its billing_history array (or single object), or the wrapper itself
// when it is already the array or a single item.
std::vector<const json*> items_of(const json& payload) {
  std::vector<const json*> items;
  const json* list = &payload;
  if (payload.is_object()) {
    auto it = payload.find("billing_history");
    if (it != payload.end()) {
      list = &*it;
    } else if (payload.contains("attributes") || payload.contains("metrics")) {
      items.push_back(&payload);  // a single object, as the bucket/cluster details send
      return items;
    } else {
      return items;
    }
  }
  if (list->is_array()) {
    for (const json& item : *list) items.push_back(&item);
  } else if (list->is_object()) {
    items.push_back(list);
  }
  return items;
}

const json& member(const json& item, const char* key) {
  static const json k_empty = json::object();
  auto it = item.find(key);
  return it != item.end() && it->is_object() ? *it : k_empty;
}

// Every wrapper names the organisation the bill is for (hyperstack.md, "Shared shapes":
// org_id in shapes L, D-VM, D-VOL, G, T and SR, and in 1's history): copied onto each record
// as the attribute `org_id`, FOCUS's BillingAccountId (docs/focus.md).
void stamp_org_id(const json& payload, const Endpoint& ep, const std::string& wrapper,
                  std::vector<CostRecord>& records) {
  if (!payload.is_object()) return;
  std::optional<long long> org = FieldReader(payload, ep, wrapper).integer("org_id");
  if (!org) return;
  for (CostRecord& r : records) r.attributes["org_id"] = *org;
}

}  // namespace

ListPage parse_list(std::string_view body, const std::string& wrapper, const std::string& service,
                    const model::Period& period, const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  json payload = unwrap(doc, wrapper, ep);
  ListPage page;
  if (payload.is_object()) {
    FieldReader top(payload, ep, wrapper);
    page.total_count = top.integer("total_count");
    const json& pagination = member(payload, "pagination");
    FieldReader pg(pagination, ep, "pagination");
    std::optional<long long> pages = pg.integer("pages");
    if (pages && *pages > 0) page.pages = pages;
  }
  for_each_object(items_of(payload), ep, "item", [&](const json& item, const std::string& where) {
    const json& attrs = member(item, "attributes");
    const json& metrics = member(item, "metrics");
    FieldReader a(attrs, ep, where + " attributes");
    FieldReader m(metrics, ep, where + " metrics");
    CostRecord r;
    r.provider = "hyperstack";
    r.service = service;
    r.period = period;
    r.currency = "USD";  // no response carries a currency; the docs say dollars
    std::optional<long long> id = a.integer("infrahub_id");
    r.resource_id = id ? std::to_string(*id) : a.string("id").value_or("");
    r.resource_name = a.string("resource_name").value_or(a.string("description").value_or(""));
    set_gpu(r, a.string("gpu_type").value_or(""));
    r.amount = m.decimal("incurred_bill");
    if (!r.amount) r.attributes[model::k_no_price_reason_attribute] = "incurred_bill missing";
    if (std::optional<Decimal> hours = m.decimal("usage_time")) {
      r.usage_quantity = hours;
      r.usage_unit = "hour";
    }
    m.decimal("price_per_hour");  // type-checked; kept below
    json merged = json::object();
    for (const auto& [k, v] : attrs.items()) merged[k] = v;
    for (const auto& [k, v] : metrics.items()) merged[k] = v;
    for (const auto& [k, v] : r.attributes.items()) merged[k] = v;
    r.attributes = merged;
    page.records.push_back(std::move(r));
  });
  stamp_org_id(payload, ep, wrapper, page.records);
  return page;
}

std::vector<CostRecord> parse_history(std::string_view body, const model::Period& period,
                                      const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  json payload = unwrap(doc, "billing_history", ep);
  std::vector<CostRecord> records;
  for_each_object(items_of(payload), ep, "item", [&](const json& item, const std::string& where) {
    const json& metrics = member(item, "metrics");
    FieldReader m(metrics, ep, where + " metrics");
    FieldReader a(member(item, "attributes"), ep, where + " attributes");
    std::string id = a.string("id").value_or("");
    const std::pair<const char*, const char*> components[] = {
        {"vm", "vm_cost"}, {"volume", "volume_cost"}, {"snapshot", "snapshot_cost"},
        {"contract", "contract_cost"}};
    bool any = false;
    for (const auto& [service, field] : components) {
      if (!m.has(field)) continue;
      any = true;
      CostRecord r;
      r.provider = "hyperstack";
      r.service = service;
      r.period = period;
      r.currency = "USD";
      r.amount = m.decimal(field);
      r.description = std::string("organisation ") + service + " cost";
      r.resource_id = id;
      r.attributes = json(metrics);
      records.push_back(std::move(r));
    }
    // incurred_bill is the organisation's bill; the four components need not add up to it
    // (the docs' own example differs): what they leave is a record of its own, so the total
    // is Hyperstack's.
    if (any && m.has("incurred_bill")) {
      Decimal rest = *m.decimal("incurred_bill");
      for (const auto& [service, field] : components) {
        if (std::optional<Decimal> d = m.decimal(field)) rest = rest - *d;
      }
      if (!rest.is_zero()) {
        CostRecord r;
        r.provider = "hyperstack";
        r.service = "other";
        r.period = period;
        r.currency = "USD";
        r.amount = rest;
        r.description = "organisation incurred_bill less its vm, volume, snapshot and contract costs";
        r.resource_id = id;
        r.attributes = json(metrics);
        records.push_back(std::move(r));
      }
    }
    if (!any && m.has("incurred_bill")) {  // no breakdown: the total, rather than nothing
      CostRecord r;
      r.provider = "hyperstack";
      r.service = "total";
      r.period = period;
      r.currency = "USD";
      r.amount = m.decimal("incurred_bill");
      r.description = "organisation total (no breakdown given)";
      r.resource_id = id;
      r.attributes = json(metrics);
      records.push_back(std::move(r));
    }
  });
  stamp_org_id(payload, ep, "billing_history", records);
  return records;
}

std::vector<CostRecord> parse_graph(std::string_view body, const std::string& wrapper,
                                    const std::string& service, const model::Period& requested,
                                    const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  json payload = unwrap(doc, wrapper, ep);
  std::optional<long long> granularity;
  // A bucket of at most a year (366 days): anything longer is not a time series' step, and
  // adding it to a datapoint's time could run past the calendar.
  auto step_of = [&](const json& where, const std::string& name) -> std::optional<long long> {
    std::optional<long long> g = FieldReader(where, ep, name).integer("granularity");
    if (g && *g > 366LL * 86'400) {
      throw ProviderError(ep.prefix() + ": granularity " + std::to_string(*g) +
                          " s is longer than a year: not a bucket size gpubill can use");
    }
    return g && *g > 0 ? g : std::nullopt;
  };
  if (payload.is_object()) granularity = step_of(payload, wrapper);
  if (!granularity) granularity = step_of(doc, "response");  // Shape G without it, or the bucket graph's bare body
  std::vector<CostRecord> records;
  bool any_graph = false;
  for_each_object(items_of(payload), ep, "item", [&](const json& item, const std::string& where) {
    const json& attrs = member(item, "attributes");
    const json& metrics = member(item, "metrics");
    FieldReader a(attrs, ep, where + " attributes");
    auto graph = metrics.find("incurred_bill_graph");
    if (graph == metrics.end() || graph->is_null()) return;
    if (!graph->is_array()) {
      throw ProviderError(ep.prefix() + ": " + where + ": field 'incurred_bill_graph' is not an array");
    }
    any_graph = true;
    std::vector<std::pair<model::Timestamp, std::optional<Decimal>>> points;
    std::size_t n = 0;
    for (const json& point : *graph) {
      ++n;
      FieldReader p(point, ep, where + " datapoint " + std::to_string(n));
      std::optional<std::string> text = p.string("datetime");
      if (!text) p.fail("datetime", "is missing");
      std::optional<model::Timestamp> t = model::parse_provider_time(*text);
      if (!t) p.fail("datetime", "is not a date-time: \"" + util::excerpt(*text, 40) + "\"");
      points.emplace_back(*t, p.decimal("value"));
    }
    std::sort(points.begin(), points.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    std::optional<long long> step = granularity;
    for (std::size_t i = 1; !granularity && i < points.size(); ++i) {
      long long gap = (points[i].first - points[i - 1].first).count();
      if (gap > 0 && (!step || gap < *step)) step = gap;
    }
    std::optional<long long> id = a.integer("infrahub_id");
    for (const auto& [t, value] : points) {
      CostRecord r;
      r.provider = "hyperstack";
      r.service = service;
      r.resource_id = id ? std::to_string(*id) : a.string("id").value_or("");
      r.resource_name = a.string("resource_name").value_or("");
      r.currency = "USD";
      model::Timestamp end = step ? t + std::chrono::seconds{*step} : requested.end;
      r.period = {t, end > t ? end : t + std::chrono::seconds{1}};
      r.amount = value;
      if (!value) r.attributes[model::k_no_price_reason_attribute] = "datapoint value missing";
      if (step) r.attributes["granularity"] = *step;
      records.push_back(std::move(r));
    }
  });
  if (!any_graph) {
    throw ProviderError(ep.prefix() + ": no incurred_bill_graph in the answer: this resource "
                        "type has no cost time series; drop --graph");
  }
  stamp_org_id(payload, ep, wrapper, records);
  return records;
}

std::vector<CostRecord> parse_last_day(std::string_view body, const model::Period& yesterday,
                                       const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  json data = unwrap(doc, "data", ep);
  if (!data.is_object()) throw ProviderError(ep.prefix() + ": field 'data' is not an object");
  FieldReader f(data, ep, "data");
  std::vector<CostRecord> records;
  Decimal components;
  for (const auto& [service, field] : {std::pair{"instances", "instances_cost"},
                                       std::pair{"volumes", "volumes_cost"},
                                       std::pair{"clusters", "clusters_cost"}}) {
    std::optional<Decimal> cost = f.decimal(field);
    if (!f.has(field)) continue;
    CostRecord r;
    r.provider = "hyperstack";
    r.service = service;
    r.period = yesterday;
    r.currency = "USD";
    r.amount = cost;
    r.description = std::string("last day ") + service + " cost";
    r.attributes = json(data);
    if (cost) components += *cost;
    records.push_back(std::move(r));
  }
  if (std::optional<Decimal> total = f.decimal("total_cost")) {
    if (*total > components) {
      CostRecord r;
      r.provider = "hyperstack";
      r.service = "other";
      r.period = yesterday;
      r.currency = "USD";
      r.amount = *total - components;
      r.description = "last day total_cost less the components Hyperstack breaks out";
      r.attributes = json(data);
      records.push_back(std::move(r));
    }
  }
  if (records.empty()) throw ProviderError(ep.prefix() + ": no cost figures in 'data'");
  return records;
}

std::vector<CostRecord> parse_usage(std::string_view body, model::Timestamp now,
                                    const model::Period& fallback, const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  json data = unwrap(doc, "data", ep);
  if (data.is_null()) return {};
  if (!data.is_array()) throw ProviderError(ep.prefix() + ": field 'data' is not an array");
  std::vector<CostRecord> records;
  for_each_object(data, ep, "resource", [&](const json& item, const std::string& where) {
    FieldReader f(item, ep, where);
    auto time_of = [&](const char* key) -> std::optional<model::Timestamp> {
      std::optional<std::string> text = f.string(key);
      if (!text) return std::nullopt;
      std::optional<model::Timestamp> t = model::parse_provider_time(*text);
      if (!t) f.fail(key, "is not a date-time: \"" + util::excerpt(*text, 40) + "\"");
      return t;
    };
    CostRecord r;
    r.provider = "hyperstack";
    r.service = f.string("resource_type").value_or("");
    std::optional<long long> id = f.integer("resource_id");
    r.resource_id = id ? std::to_string(*id) : "";
    r.resource_name = f.string("name").value_or("");
    r.currency = "USD";
    r.amount = f.decimal("total_bill");
    if (!r.amount) r.attributes[model::k_no_price_reason_attribute] = "total_bill missing";
    auto excluded = item.find("exclude_billing");
    if (excluded != item.end() && excluded->is_boolean() && excluded->get<bool>()) {
      // Hyperstack does not bill it: its total_bill (kept as sent) is no charge.
      r.amount.reset();
      r.attributes[model::k_no_price_reason_attribute] = "exclude_billing: Hyperstack does not bill it";
    }
    if (std::optional<Decimal> minutes = f.decimal("total_up_time")) {
      r.usage_quantity = minutes->divided_by(60);
      r.usage_unit = "hour";
    }
    f.decimal("bill_per_minute");
    std::optional<model::Timestamp> created = time_of("create_time");
    std::optional<model::Timestamp> terminated = time_of("terminate_time");
    model::Timestamp end = terminated.value_or(now);
    r.period = created && *created < end ? model::Period{*created, end} : fallback;
    json merged = json(item);
    for (const auto& [k, v] : r.attributes.items()) merged[k] = v;
    r.attributes = merged;
    records.push_back(std::move(r));
  });
  return records;
}

}  // namespace gpubill::providers::hyperstack
