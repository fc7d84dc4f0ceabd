#include <algorithm>

#include "gpubill/util/redact.hpp"
#include "gpubill/providers/gpu.hpp"
#include "gpubill/util/error.hpp"
#include "providers/novita/novita_api.hpp"

namespace gpubill::providers::novita {

using model::CostRecord;
using model::Decimal;
using nlohmann::json;

namespace {

constexpr long long k_units_per_usd = 10000;

std::string decimal_text(const std::optional<Decimal>& d) { return d ? d->to_string() : ""; }

}  // namespace

std::string billing_method_name(long long code) {
  switch (code) {
    case 1: return "pay-as-you-go";
    case 2: return "subscription";
    case 4: return "spot";
    case 7: return "multimodal-llm";
    default: return std::to_string(code);
  }
}

std::vector<CostRecord> parse_bills(std::string_view body, const ParseContext& ctx) {
  const Endpoint& ep = ctx.endpoint;
  json doc = parse_json_text(body, ep);
  if (!doc.is_object() || !doc.contains("bills")) {
    if (doc.is_object()) {
      std::string message = error_message_from_body(body, ep);
      if (!message.empty()) {
        throw ProviderError(ep.prefix() + ": the provider answered with an error: " + message);
      }
    }
    throw ProviderError(ep.prefix() + ": expected {\"bills\": [...]}: the API may have changed");
  }
  const json& bills = doc["bills"];
  if (bills.is_null()) return {};
  if (!bills.is_array()) {
    throw ProviderError(ep.prefix() + ": field 'bills' is not an array");
  }

  std::vector<CostRecord> records;
  records.reserve(bills.size());
  for_each_object(bills, ep, "bill", [&](const json& bill, const std::string& where) {
    FieldReader f(bill, ep, where);
    std::optional<long long> start = f.integer("startTime");
    std::optional<long long> end = f.integer("endTime");
    if (!start) f.fail("startTime", "is missing");
    if (!end) f.fail("endTime", "is missing");
    if (*start < 0 || *end < 0 || *end > 253402300799LL) f.fail("endTime", "is out of range");
    if (*end + 1 <= *start) f.fail("endTime", "is before startTime");

    CostRecord r;
    r.provider = "novita";
    // Novita's ends are inclusive (…:59:59): one second later is the exclusive end.
    r.period = {model::from_unix(*start), model::from_unix(*end + 1)};
    r.amount = f.scaled_integer("payAmount", k_units_per_usd);
    r.currency = "USD";
    r.resource_id = f.string("ownerID").value_or("");
    r.description = f.string("productName").value_or("");
    r.service = f.string(ctx.list == BillList::usage ? "category" : "productCategory").value_or("");
    if (r.service.empty()) r.service = f.string("productCategory").value_or("");

    long long precision = f.integer("pricePrecision").value_or(1);
    if (precision <= 0) f.fail("pricePrecision", "must be a positive whole number");
    std::optional<Decimal> before = f.scaled_integer("amount", k_units_per_usd);
    std::optional<Decimal> voucher = f.scaled_integer("voucherAmount", k_units_per_usd);
    std::optional<long long> method = f.integer("billingMethod");

    // Everything Novita sent, as sent; then what gpubill decoded, under gpubill_ names.
    r.attributes = json(bill);
    if (before) r.attributes["gpubill_amount_before_vouchers"] = decimal_text(before);
    if (voucher) r.attributes["gpubill_voucher_amount"] = decimal_text(voucher);
    if (method) r.attributes["gpubill_billing_method"] = billing_method_name(*method);
    if (r.service == "gpu") set_gpu(r, r.description);

    if (ctx.list == BillList::fixed_term) {
      std::optional<Decimal> base = f.scaled_integer("basePrice", k_units_per_usd);
      if (base) r.attributes["gpubill_base_price"] = decimal_text(base->divided_by(precision));
    } else {
      std::optional<Decimal> unit = f.scaled_integer("discountPrice0", k_units_per_usd);
      if (unit) r.attributes["gpubill_unit_price"] = decimal_text(unit->divided_by(precision));
      // billNum0 is documented as cards x billed time for GPU rows (seconds in the docs'
      // example: 86400 for a day), input tokens for LLM rows and "size * time" for storage,
      // with no unit: read as a decimal (a storage row's may have a fraction), kept in
      // attributes, and a usage column only where its unit is known.
      std::optional<Decimal> quantity = f.decimal("billNum0");
      if (quantity && r.service == "gpu") {
        r.usage_quantity = quantity->divided_by(3600);
        r.usage_unit = "hour";
        set_gpu_hours(r, *r.usage_quantity);  // cards x time: already GPU hours
      } else if (quantity && r.service == "llm") {
        r.usage_quantity = quantity;
        r.usage_unit = "input-token";
      }
    }
    records.push_back(std::move(r));
  });
  return records;
}

std::vector<CostRecord> parse_statements(std::string_view body, const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  if (!doc.is_object() || !doc.contains("data")) {
    std::string message = doc.is_object() ? error_message_from_body(body, ep) : "";
    if (!message.empty()) {
      throw ProviderError(ep.prefix() + ": the provider answered with an error: " + message);
    }
    throw ProviderError(ep.prefix() + ": expected {\"data\": [...]}: the API may have changed");
  }
  const json& data = doc["data"];
  if (data.is_null()) return {};
  if (!data.is_array()) throw ProviderError(ep.prefix() + ": field 'data' is not an array");

  std::vector<CostRecord> records;
  for_each_object(data, ep, "statement", [&](const json& item, const std::string& where) {
    FieldReader f(item, ep, where);
    std::optional<std::string> month = f.string("billingMonth");
    if (!month) f.fail("billingMonth", "is missing");
    std::optional<model::Timestamp> first =
        month->size() == 7 ? model::parse_provider_time(*month + "-01") : std::nullopt;
    if (!first) f.fail("billingMonth", "is not YYYY-MM: \"" + util::excerpt(*month, 20) + "\"");

    CostRecord r;
    r.provider = "novita";
    r.service = "statement";
    r.resource_id = f.string("billId").value_or("");
    r.description = "Novita statement " + *month;
    r.period = {*first, model::add_months(*first, 1)};
    r.amount = f.scaled_integer("totalAmount", k_units_per_usd);
    r.currency = "USD";
    r.attributes = json(item);
    const char* money[][2] = {{"originTotalAmount", "gpubill_original_total"},
                              {"voucherPayAmount", "gpubill_voucher_paid"},
                              {"cashPayAmount", "gpubill_cash_paid"},
                              {"debtAmount", "gpubill_debt"},
                              {"repaidAmount", "gpubill_repaid"}};
    for (const auto& [field, name] : money) {
      if (std::optional<Decimal> d = f.scaled_integer(field, k_units_per_usd)) {
        r.attributes[name] = d->to_string();
      }
    }
    records.push_back(std::move(r));
  });
  return records;
}

model::Balance parse_balance(std::string_view body, const Endpoint& ep) {
  json doc = parse_json_text(body, ep);
  if (!doc.is_object()) throw ProviderError(ep.prefix() + ": expected a JSON object");
  FieldReader f(doc, ep, "balance");
  const char* fields[][2] = {{"availableBalance", "available_balance"},
                             {"cashBalance", "cash_balance"},
                             {"creditLimit", "credit_limit"},
                             {"outstandingInvoices", "outstanding_invoices"}};
  model::Balance b;
  b.provider = "novita";
  b.currency = "USD";
  bool any = false;
  for (const auto& [field, name] : fields) {
    std::optional<Decimal> v = f.scaled_integer(field, k_units_per_usd, true);
    any = any || v.has_value();
    b.figures.emplace_back(name, v);
  }
  if (!any) {
    std::string message = error_message_from_body(body, ep);
    throw ProviderError(ep.prefix() + ": no balance figures in the answer" +
                        (message.empty() ? std::string() : ": " + message));
  }
  b.attributes = json(doc);
  return b;
}

std::string error_message(const json& object) {
  auto text = [&](const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string reason = text("reason");
  std::string message = text("message");
  if (reason.empty() || message.empty() || reason == message) return {};
  return reason + ": " + message;
}

std::size_t drop_summary_when_mixed(std::vector<CostRecord>& records) {
  bool any_summary = false;
  bool any_product = false;
  for (const CostRecord& r : records) {
    (r.service == "summary" ? any_summary : any_product) = true;
  }
  if (!any_summary || !any_product) return 0;
  std::size_t before = records.size();
  records.erase(std::remove_if(records.begin(), records.end(),
                               [](const CostRecord& r) { return r.service == "summary"; }),
                records.end());
  return before - records.size();
}

}  // namespace gpubill::providers::novita
