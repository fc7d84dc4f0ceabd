#include <algorithm>
#include <cctype>

#include "gpubill/util/redact.hpp"
#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_v2_api.hpp"

namespace gpubill::providers::runpod {

using model::CostRecord;
using model::Decimal;
using nlohmann::json;

std::string component_name(std::string_view amount_field) {
  std::string_view base = amount_field;
  if (base.ends_with("Amount")) base.remove_suffix(6);
  std::string out;
  for (char c : base) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out.push_back('-');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const nlohmann::json& v2_wrapped_list(const nlohmann::json& doc, std::string_view body,
                                      const Endpoint& ep, const char* member, const char* shape) {
  static const json k_empty = json::array();
  if (!doc.is_object() || !doc.contains(member)) {
    std::string message = doc.is_object() ? error_message_from_body(body, ep) : "";
    if (!message.empty()) {
      throw ProviderError(ep.prefix() + ": the provider answered with an error: " + message);
    }
    throw ProviderError(ep.prefix() + ": expected " +
                        (shape != nullptr ? std::string(shape) : "{\"" + std::string(member) + "\": [...]}") +
                        ", got " + json_type_name(doc) +
                        ": the API may have changed; check GPUBILL_RUNPOD_V2_URL");
  }
  const json& items = doc[member];
  if (items.is_null()) return k_empty;
  if (!items.is_array()) {
    throw ProviderError(ep.prefix() + ": field '" + member + "' is " + json_type_name(items) +
                        ", expected an array");
  }
  return items;
}

namespace {

bool is_component(const std::string& key) {
  return key.size() > 6 && key.ends_with("Amount") && key != "totalAmount";
}

// The resource id field of a v2 record: podId, serverlessId, networkVolumeId, clusterId,
// endpointId: whichever `*Id` string it has.
std::string resource_id(const json& item) {
  for (const auto& [key, value] : item.items()) {
    if (key.size() > 2 && key.ends_with("Id") && value.is_string()) return value.get<std::string>();
  }
  return {};
}

}  // namespace

std::vector<CostRecord> split_components(std::vector<CostRecord> whole, const V2ParseContext& ctx) {
  std::vector<CostRecord> records;
  for (CostRecord& r : whole) {
    if (!r.amount) {
      records.push_back(std::move(r));
      continue;
    }
    std::vector<std::pair<std::string, Decimal>> components;
    const json attributes = r.attributes.get();  // FieldReader reads nlohmann::json
    FieldReader f(attributes, ctx.endpoint, "record");
    for (const auto& [key, value] : r.attributes.items()) {
      if (!is_component(key)) continue;
      if (std::optional<Decimal> d = f.decimal(key.c_str())) components.emplace_back(component_name(key), *d);
    }
    Decimal rest = *r.amount;
    for (const auto& [name, amount] : components) {
      rest = rest - amount;
      if (amount.is_zero()) continue;
      CostRecord part = r;
      part.service = ctx.service + ":" + name;
      part.amount = amount;
      records.push_back(std::move(part));
    }
    // Amounts arrive as JSON doubles: a remainder below a millionth of a dollar is their
    // rounding, not money.
    if (!(rest < Decimal::from_units(Decimal::k_one / 1'000'000) &&
          -rest < Decimal::from_units(Decimal::k_one / 1'000'000))) {
      CostRecord part = r;
      part.service = ctx.service + ":other";
      part.amount = rest;
      part.attributes["gpubill_note"] = "totalAmount less the components";
      records.push_back(std::move(part));
    }
  }
  return records;
}

std::vector<CostRecord> parse_v2_billing(std::string_view body, const V2ParseContext& ctx) {
  const Endpoint& ep = ctx.endpoint;
  // One record per element, components unsplit (they are split below, from attributes).
  auto make = [&ctx, &ep](const json& item, const std::string& where, CostRecord& r) {
    FieldReader f(item, ep, where);
    std::optional<model::Timestamp> start;
    std::optional<model::Timestamp> end;
    for (auto [key, target] : {std::pair{"startTime", &start}, std::pair{"endTime", &end}}) {
      std::optional<std::string> text = f.string(key);
      if (!text) f.fail(key, "is missing");
      if (!item[key].is_string()) f.fail(key, "is a number, expected a date-time string");
      *target = model::parse_provider_time(*text);
      if (!*target) f.fail(key, "is not a date-time: \"" + util::excerpt(*text, 40) + "\"");
    }
    if (*end <= *start) f.fail("endTime", "is not after startTime");

    r.provider = "runpod";
    r.service = ctx.service;
    r.period = {*start, *end};
    r.currency = "USD";
    r.resource_id = resource_id(item);
    r.amount = f.decimal("totalAmount");
    if (!r.amount) r.attributes[model::k_no_price_reason_attribute] = "totalAmount missing";
    for (const auto& [key, value] : item.items()) {
      if (key == "startTime" || key == "endTime" || key == "totalAmount") continue;
      if (is_component(key)) f.decimal(key.c_str());  // type-checked; split below
      r.attributes[key] = value;
    }
    r.attributes["gpubill_api"] = "v2";
    if (r.period.end > ctx.now) r.attributes[model::k_incomplete_attribute] = true;
    return true;
  };

  std::vector<CostRecord> records;
  // A year of hourly rows is one unpaged answer: its records array is read element by element
  // on several threads; anything unusual is read whole below, for the exact error.
  if (std::optional<RootArrayRecords> read =
          records_from_member_array(body, ep, "records", "record", make, ctx.threads)) {
    records = std::move(read->records);
  } else {
    json doc = parse_json_text(body, ep);
    const json& items = v2_wrapped_list(doc, body, ep, "records", "{\"records\": [...], \"metadata\": {...}}");
    for_each_object(items, ep, "record", [&](const json& item, const std::string& where) {
      CostRecord r;
      make(item, where, r);
      records.push_back(std::move(r));
    });
  }
  if (ctx.split_components) records = split_components(std::move(records), ctx);
  model::sort_by_period_start(records);
  return records;
}

}  // namespace gpubill::providers::runpod
