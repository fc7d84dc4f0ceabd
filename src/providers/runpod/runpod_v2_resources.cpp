#include "providers/runpod/runpod_v2_resources.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "gpubill/model/gpu_catalog.hpp"
#include "gpubill/providers/gpu.hpp"
#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_v2_api.hpp"

namespace gpubill::providers::runpod {

using model::CostRecord;
using model::Decimal;
using nlohmann::json;

namespace {

// A string array field (missing or null: empty).
std::vector<std::string> string_list(const json& object, const char* key, const FieldReader& f) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) f.fail(key, std::string("is ") + json_type_name(*it) + ", expected an array of strings");
  for (const json& v : *it) {
    if (!v.is_string()) f.fail(key, std::string("holds ") + json_type_name(v) + ", expected strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// An optional nested object (missing or null: nullptr).
const json* object_field(const json& object, const char* key, const FieldReader& f) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  if (!it->is_object()) f.fail(key, std::string("is ") + json_type_name(*it) + ", expected an object");
  return &*it;
}

std::string required_id(const FieldReader& f) {
  std::optional<std::string> id = f.string("id");
  if (!id || id->empty()) f.fail("id", "is missing");
  return *id;
}

int count_field(const FieldReader& f, const char* key) {
  std::optional<long long> n = f.integer(key);
  if (!n) return 1;  // the spec's default
  if (*n < 1 || *n > 1024) f.fail(key, "is " + std::to_string(*n) + ", expected a count of 1 or more");
  return static_cast<int>(*n);
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

// Every element of a listing's wrapped array, with a reader naming it ("pod 3").
template <typename Fn>
void for_each_listed(std::string_view body, const Endpoint& ep, const char* member, const char* noun,
                     Fn&& fn) {
  json doc = parse_json_text(body, ep);
  for_each_object(v2_wrapped_list(doc, body, ep, member), ep, noun,
                  [&](const json& item, const std::string& where) {
                    FieldReader f(item, ep, where);
                    fn(item, where, f);
                  });
}

}  // namespace

void parse_pod_listing(std::string_view body, const Endpoint& ep, V2Resources& into) {
  for_each_listed(body, ep, "pods", "pod", [&](const json& item, const std::string& where, const FieldReader& f) {
    PodMeta pod;
    std::string id = required_id(f);
    pod.name = f.string("name").value_or("");
    pod.data_center = f.string("dataCenterId").value_or("");
    if (const json* gpu = object_field(item, "gpu", f)) {
      FieldReader g(*gpu, ep, where + " gpu");
      std::optional<std::string> type = g.string("id");
      if (!type || type->empty()) g.fail("id", "is missing");
      pod.gpu_type = *type;
      pod.gpu_count = count_field(g, "count");
    }
    if (const json* cpu = object_field(item, "cpu", f)) {
      pod.cpu_flavor = FieldReader(*cpu, ep, where + " cpu").string("id").value_or("");
    }
    into.pods[id] = std::move(pod);
  });
}

void parse_serverless_listing(std::string_view body, const Endpoint& ep, V2Resources& into) {
  for_each_listed(body, ep, "endpoints", "endpoint", [&](const json& item, const std::string& where,
                                                         const FieldReader& f) {
    EndpointMeta e;
    std::string id = required_id(f);
    e.name = f.string("name").value_or("");
    e.data_centers = string_list(item, "dataCenterIds", f);
    if (const json* gpu = object_field(item, "gpu", f)) {
      FieldReader g(*gpu, ep, where + " gpu");
      e.has_gpu = true;
      e.pools = string_list(*gpu, "pools", g);
      e.excluded = string_list(*gpu, "excludedTypes", g);
      e.gpus_per_worker = count_field(g, "count");
    }
    into.endpoints[id] = std::move(e);
  });
}

void parse_gpu_catalog(std::string_view body, const Endpoint& ep, V2Resources& into) {
  for_each_listed(body, ep, "gpus", "GPU type", [&](const json&, const std::string&, const FieldReader& f) {
    std::string id = required_id(f);
    into.gpu_types[id] = {f.string("name").value_or(""), f.string("pool").value_or("")};
  });
}

std::vector<std::string> endpoint_gpu_types(const EndpointMeta& endpoint, const V2Resources& meta) {
  std::vector<std::string> out;
  auto listed = [&](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  for (const auto& [id, type] : meta.gpu_types) {
    bool in_pool = (!type.pool.empty() && listed(endpoint.pools, type.pool)) || listed(endpoint.pools, id);
    if (in_pool && !listed(endpoint.excluded, id)) out.push_back(id);
  }
  return out;
}

namespace {

// gpu_type, gpu_model and the catalog's display name for one catalog id.
void set_catalog_gpu(CostRecord& r, const std::string& type, const V2Resources& meta) {
  set_gpu(r, type);
  auto it = meta.gpu_types.find(type);
  if (it == meta.gpu_types.end() || it->second.name.empty()) return;
  r.attributes["gpubill_gpu_name"] = it->second.name;
  // The catalog's short name helps where the id itself is not known to gpubill's catalog.
  if (r.gpu_model.empty()) r.gpu_model = model::identify_gpu(it->second.name).model;
}

}  // namespace

JoinOutcome join_pods(std::vector<CostRecord>& records, const V2Resources& meta) {
  JoinOutcome out;
  std::set<std::string> unlisted;
  for (CostRecord& r : records) {
    auto it = meta.pods.find(std::string(r.resource_id));
    if (it == meta.pods.end()) {
      r.gpu_type = k_unlisted_pod_gpu;
      r.attributes["gpubill_pod_listed"] = false;
      ++out.unlisted_records;
      unlisted.insert(std::string(r.resource_id));
      continue;
    }
    const PodMeta& pod = it->second;
    r.resource_name = pod.name;
    r.region = pod.data_center;
    if (!pod.gpu_type.empty()) {
      set_catalog_gpu(r, pod.gpu_type, meta);
      r.attributes[model::k_gpu_count_attribute] = pod.gpu_count;
    } else {
      r.description = "CPU pod";
      if (!pod.cpu_flavor.empty()) r.attributes["gpubill_cpu_flavor"] = pod.cpu_flavor;
    }
  }
  out.unlisted_resources = unlisted.size();
  return out;
}

JoinOutcome join_endpoints(std::vector<CostRecord>& records, const V2Resources& meta) {
  JoinOutcome out;
  std::set<std::string> unlisted;
  // An answer names a few endpoints many times: their GPU types once each.
  std::map<std::string, std::vector<std::string>> types_of;
  for (CostRecord& r : records) {
    std::string id(r.resource_id);
    auto it = meta.endpoints.find(id);
    if (it == meta.endpoints.end()) {
      r.gpu_type = k_unlisted_endpoint_gpu;
      r.attributes["gpubill_endpoint_listed"] = false;
      ++out.unlisted_records;
      unlisted.insert(id);
      continue;
    }
    const EndpointMeta& e = it->second;
    r.resource_name = e.name;
    if (e.data_centers.size() == 1) r.region = e.data_centers.front();
    if (!e.has_gpu) {
      r.description = "CPU endpoint";
      continue;
    }
    auto [types, fresh] = types_of.try_emplace(id);
    if (fresh) types->second = endpoint_gpu_types(e, meta);
    const std::vector<std::string>& candidates = types->second;
    r.attributes["gpubill_gpus_per_worker"] = e.gpus_per_worker;
    if (candidates.size() == 1) {
      set_catalog_gpu(r, candidates.front(), meta);
      continue;
    }
    // Several types (or a pool the catalog does not list): the API gives no split, so the
    // row names the pools, and a model only where every candidate is that model.
    r.gpu_type = joined(e.pools, ",");
    json list = json::array();
    std::set<std::string> models;
    for (const std::string& c : candidates) {
      list.push_back(c);
      models.insert(model::identify_gpu(c).model);
    }
    r.attributes["gpubill_gpu_candidates"] = list;
    if (models.size() == 1 && !models.begin()->empty()) r.gpu_model = *models.begin();
  }
  out.unlisted_resources = unlisted.size();
  return out;
}

std::vector<CostRecord> group_by_gpu_type(const std::vector<CostRecord>& records,
                                          const Endpoint& ep) {
  struct Group {
    CostRecord record;
    std::map<std::string, Decimal> components;  // in key order
    std::vector<std::string> component_order;   // as first seen
    std::size_t count = 0;
    bool incomplete = false;
  };
  using Key = std::tuple<model::Timestamp, model::Timestamp, std::string>;
  std::map<Key, Group> groups;
  for (const CostRecord& r : records) {
    auto [it, fresh] = groups.try_emplace(Key{r.period.start, r.period.end, std::string(r.gpu_type)});
    Group& g = it->second;
    if (fresh) {
      g.record.provider = r.provider;
      g.record.service = r.service;
      g.record.gpu_type = r.gpu_type;
      g.record.gpu_model = r.gpu_model;
      g.record.currency = r.currency;
      g.record.period = r.period;
    }
    ++g.count;
    if (r.amount) g.record.amount = g.record.amount.value_or(Decimal{}) + *r.amount;
    const json attributes = r.attributes.get();
    FieldReader f(attributes, ep, "record");
    for (const auto& [key, value] : r.attributes.items()) {  // in the order sent
      if (key == model::k_incomplete_attribute && value.is_boolean() && value.get<bool>()) g.incomplete = true;
      if (key.size() <= 6 || !key.ends_with("Amount")) continue;
      std::optional<Decimal> d = f.decimal(key.c_str());
      if (!d) continue;
      auto [c, first] = g.components.try_emplace(key);
      if (first) g.component_order.push_back(key);
      c->second += *d;
    }
  }
  std::vector<CostRecord> out;
  out.reserve(groups.size());
  for (auto& [key, g] : groups) {
    for (const std::string& name : g.component_order) {
      g.record.attributes[name] = g.components[name].to_string();
    }
    g.record.attributes["gpubill_api"] = "v2";
    g.record.attributes["gpubill_records"] = g.count;
    if (g.incomplete) g.record.attributes[model::k_incomplete_attribute] = true;
    out.push_back(std::move(g.record));
  }
  return out;
}

}  // namespace gpubill::providers::runpod
