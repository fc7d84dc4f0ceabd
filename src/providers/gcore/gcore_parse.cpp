#include <algorithm>
#include <cctype>
#include <map>

#include "gpubill/providers/gpu.hpp"
#include "gpubill/util/error.hpp"
#include "providers/gcore/gcore_api.hpp"

namespace gpubill::providers::gcore {

using model::CostRecord;
using model::Decimal;
using nlohmann::json;

const std::vector<std::string>& resource_types() {
  static const std::vector<std::string> types = {
      "ai_cluster", "ai_virtual_cluster", "backup", "baremetal", "basic_vm", "containers",
      "dbaas_postgresql_connection_pooler", "dbaas_postgresql_cpu", "dbaas_postgresql_memory",
      "dbaas_postgresql_public_network", "dbaas_postgresql_volume", "egress_traffic",
      "external_ip", "file_share", "floatingip", "functions", "functions_calls",
      "functions_traffic", "image", "inference", "instance", "load_balancer", "log_index",
      "snapshot", "volume"};
  return types;
}

std::vector<std::string> filter_fields(const std::string& type) {
  static const std::map<std::string, std::vector<std::string>> fields = [] {
    std::map<std::string, std::vector<std::string>> m;
    for (const char* t : {"instance", "ai_cluster", "ai_virtual_cluster", "basic_vm", "baremetal",
                          "load_balancer", "inference"}) {
      m[t] = {"flavor", "last_name", "type", "uuid"};
    }
    m["volume"] = {"attached_to_vm", "last_name", "last_size", "type", "uuid", "volume_type"};
    m["snapshot"] = {"last_name", "last_size", "source_volume_uuid", "type", "uuid", "volume_type"};
    m["backup"] = {"last_name", "last_size", "schedule_id", "source_volume_uuid", "type", "uuid"};
    m["file_share"] = {"file_share_type", "last_name", "last_size", "type", "uuid"};
    m["image"] = m["log_index"] = {"last_name", "last_size", "type", "uuid"};
    m["floatingip"] = {"ip_address", "last_name", "type", "uuid"};
    m["external_ip"] = {"attached_to_vm", "ip_address", "network_id", "port_id", "subnet_id", "type"};
    m["egress_traffic"] = {"instance_name", "instance_type", "port_id", "type", "vm_id"};
    m["dbaas_postgresql_volume"] = {"last_name", "type", "uuid", "volume_type"};
    for (const char* t : {"functions", "functions_calls", "functions_traffic", "containers",
                          "dbaas_postgresql_connection_pooler", "dbaas_postgresql_cpu",
                          "dbaas_postgresql_memory", "dbaas_postgresql_public_network"}) {
      m[t] = {"last_name", "type", "uuid"};
    }
    return m;
  }();
  auto it = fields.find(type);
  return it == fields.end() ? std::vector<std::string>{} : it->second;
}

std::string gpu_from_flavor(std::string_view flavor) {
  // GPU families as they appear in Gcore flavor names; the memory size is named only where
  // the family comes in more than one size.
  struct Family {
    const char* token;
    const char* name;
    bool with_memory;
  };
  static const Family k_families[] = {
      {"h100", "H100", true},  {"h200", "H200", false},  {"a100", "A100", true},
      {"l40s", "L40S", false}, {"l40", "L40", false},    {"a40", "A40", false},
      {"l4", "L4", false},     {"b200", "B200", false},  {"gb200", "GB200", false},
      {"mi300x", "MI300X", false}, {"a6000", "RTX A6000", false}, {"rtx4090", "RTX 4090", false}};
  std::vector<std::string> parts;
  std::string part;
  for (char c : flavor) {
    if (c == '-') {
      parts.push_back(part);
      part.clear();
    } else {
      part.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  parts.push_back(part);
  auto is_number = [](const std::string& s) {
    return !s.empty() && s.size() < 6 && std::all_of(s.begin(), s.end(), ::isdigit);
  };
  // <family>-<memory GB>-<count> ends the flavor name.
  if (parts.size() < 3) return {};
  const std::string& family = parts[parts.size() - 3];
  const std::string& memory = parts[parts.size() - 2];
  const std::string& count = parts[parts.size() - 1];
  if (!is_number(memory) || !is_number(count)) return {};
  for (const Family& f : k_families) {
    if (family == f.token) {
      return count + " x " + f.name + (f.with_memory ? " " + memory + "GB" : "");
    }
  }
  return {};
}

std::pair<std::optional<Decimal>, std::string> readable_usage(std::optional<Decimal> value,
                                                              const std::string& unit) {
  if (!value) return {std::nullopt, unit};
  if (unit == "minutes") return {value->divided_by(60), "hour"};
  if (unit == "gbminutes") return {value->divided_by(60), "GB-hour"};
  if (unit == "bytes") return {value->divided_by(1'000'000'000), "GB"};
  return {value, unit};
}

ReportPage parse_report(std::string_view body, const model::Period& window, const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  if (!doc.is_object() || !doc.contains("results")) {
    std::string message = doc.is_object() ? error_message_from_body(body, ep) : "";
    throw ProviderError(ep.prefix() + ": expected {\"count\", \"price_status\", \"results\"}" +
                        (message.empty() ? std::string() : ": " + message));
  }
  ReportPage page;
  FieldReader top(doc, ep, "response");
  page.price_status = top.string("price_status").value_or("");
  page.count = top.integer("count").value_or(0);
  const json& results = doc["results"];
  if (results.is_null()) return page;
  if (!results.is_array()) throw ProviderError(ep.prefix() + ": field 'results' is not an array");

  for_each_object(results, ep, "row", [&](const json& row, const std::string& where) {
    FieldReader f(row, ep, where);
    CostRecord r;
    r.provider = "gcore";
    r.service = f.string("type").value_or("");
    r.description = f.string("billing_feature_name").value_or("");
    r.resource_id = f.string("uuid").value_or("");
    r.resource_name = f.string("last_name").value_or("");
    std::optional<long long> region = f.integer("region_id");
    if (!region) region = f.integer("region");
    r.region = region ? std::to_string(*region) : "";
    r.period = window;
    r.currency = f.string("currency").value_or("");
    std::optional<Decimal> cost = f.decimal("cost");
    std::optional<std::string> err = f.string("err");
    bool shown = page.price_status.empty() || page.price_status == "show";
    std::string no_price;
    if (!cost) {
      // No cost: say why, the row's error first.
      no_price = err && !err->empty() ? "err: " + *err
                                      : "cost null" + (shown ? std::string()
                                                             : " (price_status " + page.price_status + ")");
    } else if (!shown && cost->is_zero()) {
      // Prices hidden (or failed) for this account: a 0 then is not a price.
      no_price = "cost 0 with price_status " + page.price_status;
    } else if (r.currency.empty()) {
      no_price = "cost without a currency";
    } else {
      // `err` is "Error message for this row" (gcore.md 1.3); nothing says it cancels the
      // cost, so the cost counts and the error stays in attributes.
      r.amount = cost;
    }
    std::string unit = f.string("billing_value_unit").value_or("");
    auto [usage, readable_unit] = readable_usage(f.decimal("billing_value"), unit);
    r.usage_quantity = usage;
    r.usage_unit = usage ? readable_unit : "";
    std::string flavor = f.string("flavor").value_or("");
    set_gpu(r, gpu_from_flavor(flavor));
    auto count = r.attributes.find(k_gpu_count_attribute);
    if (r.usage_quantity && r.usage_unit == "hour" && count != r.attributes.end()) {
      // The usage is the flavor's time (a whole server or VM): each of its GPUs ran as long.
      set_gpu_hours(r, *r.usage_quantity * Decimal::from_int(count->get<int>()));
    }
    for (const auto& [key, value] : row.items()) r.attributes[key] = value;
    if (!no_price.empty()) r.attributes[model::k_no_price_reason_attribute] = no_price;
    page.records.push_back(std::move(r));
  });
  return page;
}

std::string error_message(const json& object) {
  auto text = [&](const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string fields;
  auto it = object.find("invalid_fields");
  if (it != object.end() && it->is_object()) {
    for (const auto& [field, problems] : it->items()) {
      std::string problem = problems.is_array() && !problems.empty() && problems[0].is_string()
                                ? problems[0].get<std::string>()
                                : problems.dump();
      fields += (fields.empty() ? "" : ", ") + field + ": " + problem;
    }
  }
  std::string request_id = text("request_id");
  if (fields.empty() && request_id.empty()) return {};
  std::string m = text("message");
  if (m.empty()) m = error_message_from_body(object.dump());  // the shared reading's line
  if (!fields.empty()) m += " [" + fields + "]";
  if (!request_id.empty()) m += " (request_id " + request_id + ")";
  return m;
}

}  // namespace gpubill::providers::gcore
