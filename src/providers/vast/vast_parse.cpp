// Vast.ai answers -> cost records, payments and a balance (vast_api.hpp says the shapes).
#include <algorithm>
#include <regex>

#include "gpubill/providers/gpu.hpp"
#include "gpubill/util/error.hpp"
#include "providers/vast/vast_api.hpp"

namespace gpubill::providers::vast {

namespace {

using model::CostRecord;
using model::Decimal;
using nlohmann::json;

// The line of a Vast error body, cleaned and scrubbed as the shared reader does it.
std::string vast_message(const json& doc) {
  return error_message_from_body(doc.dump(), Endpoint{"vast", "", ""});
}

// The envelope every list shares: {"success": true, ..., <list>: [...]}. success:false (even
// with HTTP 200) is the error it names.
const json& envelope_list(const json& doc, const Endpoint& ep, const char* list) {
  if (!doc.is_object()) throw ProviderError(ep.prefix() + ": expected a JSON object");
  auto success = doc.find("success");
  if (success != doc.end() && success->is_boolean() && !success->get<bool>()) {
    std::string message = vast_message(doc);
    throw ProviderError(ep.prefix() + ": the answer says success: false" +
                        (message.empty() ? std::string() : ": " + message));
  }
  auto it = doc.find(list);
  if (it == doc.end()) {
    std::string message = error_message_from_body(doc.dump(), ep);
    throw ProviderError(ep.prefix() + ": no '" + list + "' in the answer" +
                        (message.empty() ? std::string() : ": " + message));
  }
  if (!it->is_array()) {
    throw ProviderError(ep.prefix() + ": '" + list + "' is " + json_type_name(*it) +
                        ", expected an array");
  }
  return *it;
}

std::string next_token_of(const json& doc, const Endpoint& ep) {
  auto it = doc.find("next_token");
  if (it == doc.end() || it->is_null()) return "";
  if (!it->is_string()) {
    throw ProviderError(ep.prefix() + ": 'next_token' is " + json_type_name(*it) +
                        ", expected a string or null");
  }
  return it->get<std::string>();
}

// A unix time in seconds, an integer or a float (floored): nullopt when missing or null.
std::optional<model::Timestamp> time_of(const FieldReader& f, const char* key) {
  std::optional<Decimal> v = f.decimal(key);
  if (!v) return std::nullopt;
  Decimal::Rep units = v->units();
  Decimal::Rep whole = units / Decimal::k_one - (units % Decimal::k_one < 0 ? 1 : 0);
  if (whole < 0 || whole > 253402300799) f.fail(key, "is not a time between 1970 and 9999");
  return model::from_unix(static_cast<long long>(whole));
}

// A contract's end as a half-open bound: the docs write ends inclusive, at the last second
// (1769903999 = Jan 31 23:59:59, [3], [9.1]), so an end at :59 seconds is the next second.
std::optional<model::Timestamp> end_of(const FieldReader& f, const char* key) {
  std::optional<model::Timestamp> t = time_of(f, key);
  if (t && model::to_unix(*t) % 60 == 59) *t += std::chrono::seconds{1};
  return t;
}

// [a, b) ∩ window, or the window itself when the provider's times do not overlap it.
model::Period clip(std::optional<model::Timestamp> start, std::optional<model::Timestamp> end,
                   const model::Period& window) {
  model::Period p = window;
  if (start && *start > p.start) p.start = *start;
  if (end && *end < p.end) p.end = *end;
  return p.start < p.end ? p : window;
}

// "96.000 hours at $0.389/hour": the hours, only when the text says exactly that.
std::optional<Decimal> hours_in(const std::string& description) {
  static const std::regex shape(R"(^([0-9]{1,9}(\.[0-9]{1,6})?) hours at \$[0-9.]+/hour$)");
  std::smatch m;
  if (!std::regex_match(description, m, shape)) return std::nullopt;
  return Decimal::parse(m[1].str());
}

// "instance-12345678" -> 12345678; anything else -> nullopt.
std::optional<long long> instance_id(const std::string& source) {
  const std::string prefix = "instance-";
  if (source.rfind(prefix, 0) != 0 || source.size() == prefix.size() || source.size() > prefix.size() + 18) {
    return std::nullopt;
  }
  long long id = 0;
  for (char c : source.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

// The live instance's GPU count (the instances listing's num_gpus, vast.md section 7) on every
// record of its contract, so FOCUS's SkuPriceDetails says GpuCount even for one GPU (which
// the name "RTX 4090" alone does not say); a `gpu` item's hours, the contract's wall-clock
// time at the instance's rate (dph_base covers all its GPUs), are GPU hours x num_gpus
// (inferred; docs/gpu-models.md).
void stamp_gpus(CostRecord& r, const InstanceGpu* gpu, bool gpu_item) {
  if (gpu == nullptr || gpu->num_gpus <= 0) return;
  r.attributes[k_gpu_count_attribute] = gpu->num_gpus;
  if (gpu_item && r.usage_quantity && r.usage_unit == "hour") {
    set_gpu_hours(r, *r.usage_quantity * Decimal::from_int(gpu->num_gpus));
  }
}

}  // namespace

std::string error_message(const json& object) {
  auto msg = object.find("msg");
  return msg != object.end() && msg->is_string() ? msg->get<std::string>() : std::string();
}

void check_vast_response(const transport::HttpResponse& response, const Endpoint& endpoint) {
  if (response.status == 404 && response.failure == transport::TransportFailure::none) {
    json doc = json::parse(response.body, nullptr, false);
    if (doc.is_object() && doc.value("error", json()).is_string() &&
        doc["error"].get<std::string>() == "auth_error") {
      std::string message = vast_message(doc);
      throw AuthError(endpoint.prefix() + ": 404 " + (message.empty() ? "auth_error" : message) +
                      ": the key matches no user: check " + endpoint.key_env);
    }
  }
  check_response(response, endpoint);
}

namespace {

// Calls fn(item, where) for each result of a keyset page ({success, total, next_token,
// results}), the page's cursor and total read into `page`.
template <typename Fn>
void each_result(std::string_view body, const Endpoint& ep, const char* noun, Page& page, Fn&& fn) {
  json doc = parse_json_text(body, ep);
  const json& results = envelope_list(doc, ep, "results");
  page.next_token = next_token_of(doc, ep);
  page.total = FieldReader(doc, ep, "the answer").integer("total");
  for_each_object(results, ep, noun, fn);
}

}  // namespace

Page parse_charges(std::string_view body, const ChargesContext& ctx) {
  const Endpoint& ep = ctx.endpoint;
  Page page;
  each_result(body, ep, "charge", page, [&](const json& item, const std::string& where) {
    FieldReader f(item, ep, where);
    std::string source = f.string("source").value_or("");
    std::string type = f.string("type").value_or("");
    if (type.empty()) f.fail("type", "is missing");
    std::optional<Decimal> amount = f.decimal("amount");
    if (!amount) f.fail("amount", "is missing");
    page.identities.push_back(source.empty() ? item.dump() : source);

    CostRecord base;
    base.provider = "vast";
    base.service = type;
    std::size_t dash = source.find('-');
    base.resource_id = dash == std::string::npos ? source : source.substr(dash + 1);
    base.currency = "USD";
    json metadata = json::object();
    if (item.contains("metadata")) {
      if (!item["metadata"].is_object() && !item["metadata"].is_null()) {
        f.fail("metadata", std::string("is ") + json_type_name(item["metadata"]) + ", expected an object");
      }
      if (item["metadata"].is_object()) metadata = item["metadata"];
    }
    if (metadata.contains("label") && metadata["label"].is_string()) {
      base.resource_name = metadata["label"].get<std::string>();
    }
    std::optional<long long> instance = instance_id(source);
    const InstanceGpu* gpu = nullptr;
    if (instance && ctx.gpus != nullptr) {
      auto it = ctx.gpus->find(*instance);
      if (it != ctx.gpus->end()) gpu = &it->second;
    }
    if (gpu != nullptr && !gpu->gpu_name.empty()) {
      set_gpu(base, gpu->num_gpus > 1 ? std::to_string(gpu->num_gpus) + " x " + gpu->gpu_name
                                      : gpu->gpu_name);
    }
    std::optional<model::Timestamp> start = time_of(f, "start");
    std::optional<model::Timestamp> end = end_of(f, "end");
    json contract = {{"source", source}, {"contract_start", item.value("start", json())},
                     {"contract_end", item.value("end", json())},
                     {"contract_description", item.value("description", json())},
                     {"contract_amount", amount->to_string()}};
    for (auto& [k, v] : metadata.items()) contract[k] = v;

    Decimal itemised = Decimal::from_int(0);
    bool any_item = false;
    if (item.contains("items") && !item["items"].is_null()) {
      if (!item["items"].is_array()) {
        f.fail("items", std::string("is ") + json_type_name(item["items"]) + ", expected an array");
      }
      for_each_object(item["items"], ep, where + " item", [&](const json& line, const std::string& at) {
        FieldReader g(line, ep, at);
        std::optional<Decimal> part = g.decimal("amount");
        if (!part) g.fail("amount", "is missing");
        CostRecord r = base;
        std::string kind = g.string("type").value_or("");
        r.description = g.string("description").value_or("");
        r.period = clip(time_of(g, "start"), end_of(g, "end"), clip(start, end, ctx.window));
        r.amount = *part;
        if (kind == "gpu") {
          if (std::optional<Decimal> hours = hours_in(r.description.str())) {
            r.usage_quantity = *hours;
            r.usage_unit = "hour";
          }
        }
        json attrs = contract;
        attrs["item"] = kind;
        r.attributes = attrs;
        stamp_gpus(r, gpu, kind == "gpu");
        itemised += *part;
        any_item = true;
        page.records.push_back(std::move(r));
      });
    }
    // What the items leave out (or the whole amount of a contract without items), so the
    // records of a contract add up to its amount exactly.
    if (!any_item || itemised != *amount) {
      CostRecord r = base;
      r.period = clip(start, end, ctx.window);
      r.amount = *amount - itemised;
      r.description = any_item ? "contract amount less its items"
                               : item.value("description", json("")).is_string()
                                     ? item.value("description", std::string())
                                     : std::string();
      json attrs = contract;
      attrs["item"] = any_item ? "unitemised" : "contract";
      r.attributes = attrs;
      stamp_gpus(r, gpu, false);
      page.records.push_back(std::move(r));
    }
  });
  return page;
}

Page parse_invoices(std::string_view body, const Endpoint& ep) {
  Page page;
  each_result(body, ep, "invoice", page, [&](const json& item, const std::string& where) {
    FieldReader f(item, ep, where);
    std::optional<Decimal> amount = f.decimal("amount");
    if (!amount) f.fail("amount", "is missing");
    std::optional<model::Timestamp> start = time_of(f, "start");
    if (!start) f.fail("start", "is missing");
    std::optional<model::Timestamp> end = time_of(f, "end");
    std::string type = f.string("type").value_or("");
    CostRecord r;
    r.provider = "vast";
    r.service = "payment";
    r.currency = "USD";
    r.description = f.string("description").value_or("");
    r.resource_name = f.string("source").value_or("");
    r.period = {*start, end && *end > *start ? *end : *start + std::chrono::seconds{1}};
    // The CLI shows every payment but transfers and payouts with its sign flipped: a credit
    // purchase of $25 is sent as -25 [4]. Here, as there, the amount is money paid in.
    r.amount = type == "transfer" || type == "payout" ? *amount : -*amount;
    json attrs = {{"type", type}, {"amount_as_sent", amount->to_string()}};
    if (item.contains("metadata") && item["metadata"].is_object()) {
      for (auto& [k, v] : item["metadata"].items()) attrs[k] = v;
      FieldReader m(item["metadata"], ep, where + " metadata");
      r.resource_id = m.string("invoice_id").value_or("");
    }
    r.attributes = attrs;
    page.identities.push_back(r.resource_id.empty() ? item.dump() : r.resource_id.str());
    page.records.push_back(std::move(r));
  });
  return page;
}

std::map<long long, InstanceGpu> parse_instances(std::string_view body, const Endpoint& ep,
                                                 std::string& next_token) {
  json doc = parse_json_text(body, ep);
  const json& instances = envelope_list(doc, ep, "instances");
  next_token = next_token_of(doc, ep);
  std::map<long long, InstanceGpu> out;
  for_each_object(instances, ep, "instance", [&](const json& item, const std::string& where) {
    FieldReader f(item, ep, where);
    std::optional<long long> id = f.integer("id");
    if (!id) f.fail("id", "is missing");
    std::optional<long long> count = f.integer("num_gpus");
    out[*id] = {f.string("gpu_name").value_or(""),
                count && *count > 0 && *count <= 64 ? static_cast<int>(*count) : 0};
  });
  return out;
}

model::Balance parse_user(std::string_view body, const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  if (!doc.is_object()) throw ProviderError(ep.prefix() + ": expected a JSON object");
  FieldReader f(doc, ep, "the user");
  model::Balance b;
  b.provider = "vast";
  b.currency = "USD";
  bool any = false;
  for (const char* name : {"credit", "balance", "balance_threshold"}) {
    std::optional<Decimal> v = f.decimal(name);
    any = any || v.has_value();
    b.figures.emplace_back(name, v);
  }
  if (!any) {
    std::string message = error_message_from_body(body, ep);
    throw ProviderError(ep.prefix() + ": no credit or balance in the answer" +
                        (message.empty() ? std::string() : ": " + message));
  }
  // The figures' flags only: never the session id, SSH key or key id the answer also holds.
  nlohmann::ordered_json attrs = nlohmann::ordered_json::object();
  for (const char* key : {"id", "balance_threshold_enabled", "billing_creditonly", "can_pay",
                          "has_billing"}) {
    if (doc.contains(key)) attrs[key] = doc[key];
  }
  b.attributes = attrs;
  return b;
}

}  // namespace gpubill::providers::vast
