// -o focus: records as FOCUS 1.2 / 1.3 cost and usage rows (docs/focus.md). The columns and
// their rules are FOCUS's (FOCUS_Spec, specification/columns/*.md at tag v1.2); what a record
// of each provider means in them comes from the provider's model::FocusMapping.
#include "gpubill/format/formatter.hpp"
#include "format/chunked.hpp"

#include <algorithm>
#include <array>

#include "gpubill/model/gpu_catalog.hpp"

namespace gpubill::format {

namespace {

using Cell = std::optional<std::string>;

// The columns, FOCUS's first in alphabetical order, then gpubill's own with the x_ prefix
// (FOCUS 1.2, attributes/column_handling.md). `since_13`: only in 1.3.
struct Column {
  const char* name;
  bool since_13 = false;
};
constexpr std::array k_columns = {
    Column{"BilledCost"},          Column{"BillingAccountId"},   Column{"BillingAccountName"},
    Column{"BillingCurrency"},     Column{"BillingPeriodEnd"},   Column{"BillingPeriodStart"},
    Column{"ChargeCategory"},      Column{"ChargeClass"},        Column{"ChargeDescription"},
    Column{"ChargeFrequency"},     Column{"ChargePeriodEnd"},    Column{"ChargePeriodStart"},
    Column{"ConsumedQuantity"},    Column{"ConsumedUnit"},       Column{"ContractedCost"},
    Column{"EffectiveCost"},       Column{"HostProviderName", true}, Column{"InvoiceId"},
    Column{"InvoiceIssuerName"},   Column{"ListCost"},           Column{"ListUnitPrice"},
    Column{"PricingCategory"},     Column{"PricingQuantity"},    Column{"PricingUnit"},
    Column{"ProviderName"},        Column{"PublisherName"},      Column{"RegionId"},
    Column{"RegionName"},          Column{"ResourceId"},         Column{"ResourceName"},
    Column{"ResourceType"},        Column{"ServiceCategory"},    Column{"ServiceName"},
    Column{"ServiceProviderName", true}, Column{"ServiceSubcategory"}, Column{"SkuPriceDetails"},
    Column{"SkuPriceId"},          Column{"Tags"},               Column{"x_GpuHours"},
    Column{"x_GpuModel"},          Column{"x_GpubillProvider"},  Column{"x_GpubillService"},
    Column{"x_ServicePeriodEnd"},  Column{"x_ServicePeriodStart"},
};

Cell text_or_null(const std::string& s) { return s.empty() ? Cell() : Cell(s); }

// Tags in FOCUS's key-value format (attributes/key_value_format.md): one JSON object whose
// values are strings, numbers, booleans or null. Gcore sends [{"team": "ml"}, ...]; an object
// is taken as it is. A nested value is kept as its JSON text.
Cell tags_cell(const model::CostRecord& r, const std::string& key) {
  if (key.empty()) return std::nullopt;
  auto it = r.attributes.find(key);
  if (it == r.attributes.end()) return std::nullopt;
  nlohmann::ordered_json tags = nlohmann::ordered_json::object();
  auto take = [&tags](const nlohmann::ordered_json& object) {
    for (const auto& [k, v] : object.items()) {
      tags[k] = v.is_structured() ? nlohmann::ordered_json(v.dump()) : v;
    }
  };
  if (it->is_object()) {
    take(*it);
  } else if (it->is_array()) {
    for (const auto& element : *it) {
      if (element.is_object()) take(element);
    }
  } else {
    return std::nullopt;
  }
  if (tags.empty()) return std::nullopt;
  return tags.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

struct Month {
  model::Timestamp start;
  model::Timestamp end;
};

Month billing_period(const RenderInput& in, const model::CostRecord& r) {
  if (in.focus.billing_month) {
    if (std::optional<std::string> month = in.focus.billing_month(r)) {
      if (std::optional<model::Timestamp> start = model::parse_provider_time(*month + "-01")) {
        return {*start, model::add_months(*start, 1)};
      }
    }
  }
  model::Timestamp start = model::start_of_month(r.period.start);
  return {start, model::add_months(start, 1)};
}

}  // namespace

std::vector<std::string> focus_columns(const std::string& version) {
  std::vector<std::string> names;
  if (version != "1.2" && version != "1.3") return names;
  for (const Column& c : k_columns) {
    if (!c.since_13 || version == "1.3") names.emplace_back(c.name);
  }
  return names;
}

bool focus_writable(const RenderInput& in, const model::CostRecord& r) {
  return r.amount && !r.currency.empty() && in.focus.mapping && in.focus.mapping(r) != nullptr;
}

void detail::write_focus(const RenderInput& in, detail::Chunked& chunks) {
  const bool v13 = in.focus.version == "1.3";
  std::string& out = chunks.buf();
  bool first = true;
  for (const std::string& name : focus_columns(in.focus.version)) {
    if (!first) out.push_back(',');
    append_csv_field(out, name);
    first = false;
  }
  out.append("\r\n");
  detail::write_rows(in.records.size(), [&in, v13](std::size_t begin, std::size_t end, std::string& text) {
    for (std::size_t i = begin; i < end; ++i) {
      const model::CostRecord& r = in.records[i];
      if (!focus_writable(in, r)) continue;
      const model::FocusMapping& m = *in.focus.mapping(r);
      const model::FocusRule rule = model::focus_rule(m, r);
      Month bp = billing_period(in, r);
      // The charge period lies in its billing period (a subscription bought on the 15th is
      // charged in that month, up to its end); the record's own period is x_ServicePeriod*.
      model::Timestamp charge_start = std::max(r.period.start, bp.start);
      model::Timestamp charge_end = std::min(r.period.end, bp.end);
      if (charge_start >= charge_end) {
        charge_start = r.period.start;
        charge_end = r.period.end;
      }
      std::string amount = r.amount->to_string();
      Cell list_cost = m.list_cost_attribute.empty() ? Cell() : model::attribute_text(r, m.list_cost_attribute);
      if (list_cost && !model::Decimal::parse(*list_cost)) list_cost.reset();
      bool usage = rule.charge_category == "Usage";
      bool priced = rule.charge_category == "Usage" || rule.charge_category == "Purchase";
      Cell quantity = r.usage_quantity && !r.usage_unit.empty() ? Cell(r.usage_quantity->to_string()) : Cell();
      Cell unit = quantity ? model::focus_unit(r.usage_unit.str()) : Cell();
      Cell unit_price = m.list_unit_price_attribute.empty() || !quantity
                            ? Cell()
                            : model::attribute_text(r, m.list_unit_price_attribute);
      if (unit_price && !model::Decimal::parse(*unit_price)) unit_price.reset();
      Cell sku;
      for (const std::string& key : m.sku_attributes) {
        if ((sku = model::attribute_text(r, key))) break;
      }
      if (!sku) sku = text_or_null(r.gpu_type.str());
      Cell sku_details;
      if (sku) {
        if (Cell count = model::attribute_text(r, model::k_gpu_count_attribute)) {
          sku_details = "{\"GpuCount\":" + *count + "}";
        }
      }
      Cell account;
      for (const std::string& key : m.account_attributes) {
        if ((account = model::attribute_text(r, key))) break;
      }
      if (!account) account = "default";
      Cell description = text_or_null(r.description.str());
      if (!description) description = rule.service_name;
      Cell resource_id = text_or_null(r.resource_id.str());
      Cell resource_type;
      if (resource_id) resource_type = rule.resource_type.empty() ? r.service.str() : rule.resource_type;
      Cell region = text_or_null(r.region.str());
      Cell gpu_hours = model::attribute_text(r, model::k_gpu_hours_attribute);

      // Each cell: its value (nullopt: null, an empty field) and whether it is provider text.
      std::vector<std::pair<Cell, bool>> cells;
      cells.reserve(k_columns.size());
      auto add = [&cells](Cell c, bool provider_text = false) { cells.emplace_back(std::move(c), provider_text); };
      add(amount);                                                  // BilledCost
      add(account, true);                                           // BillingAccountId
      add(std::nullopt);                                            // BillingAccountName
      add(r.currency.str());                                        // BillingCurrency
      add(model::format_rfc3339(bp.end));                           // BillingPeriodEnd
      add(model::format_rfc3339(bp.start));                         // BillingPeriodStart
      add(rule.charge_category);                                    // ChargeCategory
      add(std::nullopt);                                            // ChargeClass
      add(description, true);                                       // ChargeDescription
      add(rule.charge_frequency);                                   // ChargeFrequency
      add(model::format_rfc3339(charge_end));                       // ChargePeriodEnd
      add(model::format_rfc3339(charge_start));                     // ChargePeriodStart
      add(usage ? quantity : Cell());                               // ConsumedQuantity
      add(usage ? unit : Cell());                                   // ConsumedUnit
      add(amount);                                                  // ContractedCost
      add(amount);                                                  // EffectiveCost
      if (v13) add(m.provider_name);                                // HostProviderName
      add(m.invoice_attribute.empty() ? Cell() : model::attribute_text(r, m.invoice_attribute), true);  // InvoiceId
      add(m.provider_name);                                         // InvoiceIssuerName
      add(list_cost ? list_cost : Cell(amount));                    // ListCost
      add(unit_price);                                              // ListUnitPrice
      add(priced ? Cell("Standard") : Cell());                      // PricingCategory
      add(quantity);                                                // PricingQuantity
      add(unit);                                                    // PricingUnit
      add(m.provider_name);                                         // ProviderName
      add(m.provider_name);                                         // PublisherName
      add(region, true);                                            // RegionId
      add(m.region_is_name ? region : Cell(), true);                // RegionName
      add(resource_id, true);                                       // ResourceId
      add(text_or_null(r.resource_name.str()), true);               // ResourceName
      add(resource_type);                                           // ResourceType
      add(rule.service_category);                                   // ServiceCategory
      add(rule.service_name);                                       // ServiceName
      if (v13) add(m.provider_name);                                // ServiceProviderName
      add(rule.service_subcategory);                                // ServiceSubcategory
      add(sku_details);                                             // SkuPriceDetails
      add(sku, true);                                               // SkuPriceId
      add(tags_cell(r, m.tags_attribute));                          // Tags
      add(gpu_hours);                                               // x_GpuHours
      add(text_or_null(r.gpu_model.str()));                         // x_GpuModel
      add(r.provider.str());                                        // x_GpubillProvider
      add(r.service.str(), true);                                   // x_GpubillService
      add(model::format_rfc3339(r.period.end));                     // x_ServicePeriodEnd
      add(model::format_rfc3339(r.period.start));                   // x_ServicePeriodStart
      bool first_cell = true;
      for (const auto& [cell, provider_text] : cells) {
        if (!first_cell) text.push_back(',');
        first_cell = false;
        if (!cell) continue;
        append_csv_field(text, in.csv_guard && provider_text ? neutralize_formula(*cell) : *cell);
      }
      text.append("\r\n");
    }
  }, chunks);
}

std::string render_focus(const RenderInput& in) { return render(in, Format::focus); }

}  // namespace gpubill::format
