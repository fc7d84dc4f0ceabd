#include "support/focus_check.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "gpubill/format/formatter.hpp"
#include "gpubill/model/period.hpp"

namespace gpubill::test {

namespace {

// columns/*.md at v1.2: "Feature level: Mandatory".
const std::vector<std::string> k_mandatory = {
    "BilledCost",       "BillingAccountId",  "BillingAccountName", "BillingCurrency",
    "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory",    "ChargeClass",
    "ChargeDescription", "ChargePeriodEnd",  "ChargePeriodStart",  "ContractedCost",
    "EffectiveCost",    "InvoiceIssuerName", "ListCost",           "PricingQuantity",
    "PricingUnit",      "ProviderName",      "PublisherName",      "ServiceCategory",
    "ServiceName"};
// Every column FOCUS 1.2 defines (any other must start with x_); 1.3 adds two.
const std::set<std::string> k_defined = {
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType",
    "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId",
    "CapacityReservationStatus", "ChargeCategory", "ChargeClass", "ChargeDescription",
    "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory",
    "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus", "CommitmentDiscountType", "CommitmentDiscountUnit",
    "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
    "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
    "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName",
    "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType",
    "ServiceCategory", "ServiceName", "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails",
    "SkuPriceId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags"};
// "Allows nulls: False" (besides the Mandatory ones that allow none).
const std::vector<std::string> k_not_null = {
    "BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
    "ChargeCategory", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost",
    "EffectiveCost", "InvoiceIssuerName", "ListCost", "ProviderName", "PublisherName",
    "ServiceCategory", "ServiceName", "ServiceSubcategory", "ServiceProviderName", "HostProviderName"};
const std::vector<std::string> k_decimal = {
    "BilledCost", "ContractedCost", "EffectiveCost", "ListCost", "ListUnitPrice",
    "ContractedUnitPrice", "PricingQuantity", "ConsumedQuantity", "x_GpuHours"};
const std::vector<std::string> k_datetime = {
    "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd",
    "x_ServicePeriodStart", "x_ServicePeriodEnd"};
const std::map<std::string, std::set<std::string>> k_allowed = {
    {"ChargeCategory", {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}},
    {"ChargeClass", {"Correction"}},
    {"ChargeFrequency", {"One-Time", "Recurring", "Usage-Based"}},
    {"PricingCategory", {"Standard", "Dynamic", "Committed", "Other"}},
};
// servicesubcategory.md at v1.2: each subcategory under its one category.
const std::vector<std::pair<std::string, std::string>> k_subcategories = {
    {"AI and Machine Learning", "AI Platforms"},
    {"AI and Machine Learning", "Bots"},
    {"AI and Machine Learning", "Generative AI"},
    {"AI and Machine Learning", "Machine Learning"},
    {"AI and Machine Learning", "Natural Language Processing"},
    {"AI and Machine Learning", "Other (AI and Machine Learning)"},
    {"Analytics", "Analytics Platforms"},
    {"Analytics", "Business Intelligence"},
    {"Analytics", "Data Processing"},
    {"Analytics", "Search"},
    {"Analytics", "Streaming Analytics"},
    {"Analytics", "Other (Analytics)"},
    {"Business Applications", "Productivity and Collaboration"},
    {"Business Applications", "Other (Business Applications)"},
    {"Compute", "Containers"},
    {"Compute", "End User Computing"},
    {"Compute", "Quantum Compute"},
    {"Compute", "Serverless Compute"},
    {"Compute", "Virtual Machines"},
    {"Compute", "Other (Compute)"},
    {"Databases", "Caching"},
    {"Databases", "Data Warehouses"},
    {"Databases", "Ledger Databases"},
    {"Databases", "NoSQL Databases"},
    {"Databases", "Relational Databases"},
    {"Databases", "Time Series Databases"},
    {"Databases", "Other (Databases)"},
    {"Developer Tools", "Developer Platforms"},
    {"Developer Tools", "Continuous Integration and Deployment"},
    {"Developer Tools", "Development Environments"},
    {"Developer Tools", "Source Code Management"},
    {"Developer Tools", "Quality Assurance"},
    {"Developer Tools", "Other (Developer Tools)"},
    {"Identity", "Identity and Access Management"},
    {"Identity", "Other (Identity)"},
    {"Integration", "API Management"},
    {"Integration", "Messaging"},
    {"Integration", "Workflow Orchestration"},
    {"Integration", "Other (Integration)"},
    {"Internet of Things", "IoT Analytics"},
    {"Internet of Things", "IoT Platforms"},
    {"Internet of Things", "Other (Internet of Things)"},
    {"Management and Governance", "Architecture"},
    {"Management and Governance", "Compliance"},
    {"Management and Governance", "Cost Management"},
    {"Management and Governance", "Data Governance"},
    {"Management and Governance", "Disaster Recovery"},
    {"Management and Governance", "Endpoint Management"},
    {"Management and Governance", "Observability"},
    {"Management and Governance", "Support"},
    {"Management and Governance", "Other (Management and Governance)"},
    {"Media", "Content Creation"},
    {"Media", "Gaming"},
    {"Media", "Media Streaming"},
    {"Media", "Mixed Reality"},
    {"Media", "Other (Media)"},
    {"Migration", "Data Migration"},
    {"Migration", "Resource Migration"},
    {"Migration", "Other (Migration)"},
    {"Mobile", "Other (Mobile)"},
    {"Multicloud", "Multicloud Integration"},
    {"Multicloud", "Other (Multicloud)"},
    {"Networking", "Application Networking"},
    {"Networking", "Content Delivery"},
    {"Networking", "Network Connectivity"},
    {"Networking", "Network Infrastructure"},
    {"Networking", "Network Routing"},
    {"Networking", "Network Security"},
    {"Networking", "Other (Networking)"},
    {"Security", "Secret Management"},
    {"Security", "Security Posture Management"},
    {"Security", "Threat Detection and Response"},
    {"Security", "Other (Security)"},
    {"Storage", "Backup Storage"},
    {"Storage", "Block Storage"},
    {"Storage", "File Storage"},
    {"Storage", "Object Storage"},
    {"Storage", "Storage Platforms"},
    {"Storage", "Other (Storage)"},
    {"Web", "Application Platforms"},
    {"Web", "Other (Web)"},
    {"Other", "Other (Other)"},
};

// attributes/numeric_format.md: integer, decimal or E notation; no '+', no separators.
const std::regex k_numeric(R"(-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?)");
// attributes/datetime_format.md: YYYY-MM-DDTHH:mm:ssZ.
const std::regex k_datetime_re(R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)");
const std::regex k_currency(R"([A-Z]{3})");
const std::regex k_pascal(R"([A-Z][A-Za-z0-9]*)");

// attributes/key_value_format.md: a JSON object, values number, string, true, false or null.
std::string key_value_problem(const std::string& text, bool pascal_keys) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "is not a JSON object";
  for (const auto& [k, v] : j.items()) {
    if (v.is_structured()) return "key '" + k + "' holds an object or array";
    if (pascal_keys && k.rfind("x_", 0) != 0 && !std::regex_match(k, k_pascal)) {
      return "key '" + k + "' is neither PascalCase nor x_";
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> focus_problems(std::string_view csv, const std::string& version) {
  std::vector<std::string> out;
  std::optional<std::vector<std::vector<std::string>>> rows = format::read_csv(csv);
  if (!rows) return {"not RFC 4180 CSV ending with a complete row"};
  if (rows->empty()) return {"no header row"};
  const std::vector<std::string>& header = rows->front();
  std::map<std::string, std::size_t> at;
  bool custom_seen = false;
  std::set<std::string> defined = k_defined;
  if (version == "1.3") defined.insert({"ServiceProviderName", "HostProviderName"});
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string& name = header[i];
    if (!at.emplace(name, i).second) out.push_back("header: column " + name + " twice");
    bool custom = name.rfind("x_", 0) == 0;
    if (!custom && !defined.count(name)) out.push_back("header: " + name + " is not a FOCUS " + version + " column and has no x_ prefix");
    if (!custom && custom_seen) out.push_back("header: FOCUS column " + name + " after a custom column");
    custom_seen = custom_seen || custom;
  }
  std::vector<std::string> required = k_mandatory;
  if (version == "1.3") required.insert(required.end(), {"ServiceProviderName", "HostProviderName"});
  for (const std::string& name : required) {
    if (!at.count(name)) out.push_back("header: Mandatory column " + name + " is missing");
  }
  if (!out.empty()) return out;

  std::map<std::string, std::string> parent;
  std::set<std::string> categories;
  for (const auto& [category, sub] : k_subcategories) {
    parent[sub] = category;
    categories.insert(category);
  }
  for (std::size_t n = 1; n < rows->size(); ++n) {
    const std::vector<std::string>& row = (*rows)[n];
    std::string where = "row " + std::to_string(n);
    if (row.size() != header.size()) {
      out.push_back(where + ": " + std::to_string(row.size()) + " fields, the header has " + std::to_string(header.size()));
      continue;
    }
    auto has = [&](const std::string& c) { return at.count(c) > 0; };
    auto cell = [&](const std::string& c) -> std::string { return has(c) ? row[at.at(c)] : std::string(); };
    auto bad = [&](const std::string& c, const std::string& what) {
      out.push_back(where + ": " + c + " " + what + " (\"" + cell(c) + "\")");
    };
    for (const std::string& c : k_not_null) {
      if (has(c) && cell(c).empty()) bad(c, "is null");
    }
    for (const std::string& c : k_decimal) {
      if (has(c) && !cell(c).empty() && !std::regex_match(cell(c), k_numeric)) bad(c, "is not a FOCUS number");
    }
    for (const std::string& c : k_datetime) {
      if (has(c) && !cell(c).empty() && !std::regex_match(cell(c), k_datetime_re)) bad(c, "is not YYYY-MM-DDTHH:mm:ssZ");
    }
    for (const auto& [c, values] : k_allowed) {
      if (has(c) && !cell(c).empty() && !values.count(cell(c))) bad(c, "is not an allowed value");
    }
    if (!std::regex_match(cell("BillingCurrency"), k_currency)) bad("BillingCurrency", "is not an ISO 4217 code");
    if (!categories.count(cell("ServiceCategory"))) bad("ServiceCategory", "is not an allowed value");
    if (has("ServiceSubcategory") && !cell("ServiceSubcategory").empty()) {
      auto p = parent.find(cell("ServiceSubcategory"));
      if (p == parent.end()) bad("ServiceSubcategory", "is not an allowed value");
      else if (p->second != cell("ServiceCategory")) bad("ServiceSubcategory", "is not under ServiceCategory " + cell("ServiceCategory"));
    }
    // gpubill writes no corrections: ChargeClass is null on every row.
    if (!cell("ChargeClass").empty()) bad("ChargeClass", "is set on a row that corrects nothing");
    auto together = [&](const std::string& a, const std::string& b) {
      if (has(a) && has(b) && cell(a).empty() != cell(b).empty()) {
        out.push_back(where + ": " + a + " and " + b + " must be null together (\"" + cell(a) + "\", \"" + cell(b) + "\")");
      }
    };
    together("PricingQuantity", "PricingUnit");
    together("ConsumedQuantity", "ConsumedUnit");
    together("ResourceId", "ResourceType");
    if (has("SkuPriceDetails") && !cell("SkuPriceDetails").empty() && cell("SkuPriceId").empty()) {
      bad("SkuPriceDetails", "is set without a SkuPriceId");
    }
    const std::string category = cell("ChargeCategory");
    if (has("ConsumedQuantity") && !cell("ConsumedQuantity").empty() && category != "Usage") {
      bad("ConsumedQuantity", "is set on a " + category + " row");
    }
    if (category == "Purchase" && cell("ChargeFrequency") == "Usage-Based") bad("ChargeFrequency", "is Usage-Based on a Purchase");
    if (category == "Tax" && (!cell("PricingCategory").empty() || !cell("PricingQuantity").empty())) {
      bad("PricingCategory", "or PricingQuantity is set on a Tax row");
    }
    if (has("ListUnitPrice") && !cell("ListUnitPrice").empty() && cell("ListUnitPrice")[0] == '-') bad("ListUnitPrice", "is negative");
    for (const std::string& c : {std::string("Tags"), std::string("SkuPriceDetails")}) {
      if (has(c) && !cell(c).empty()) {
        std::string problem = key_value_problem(cell(c), c == "SkuPriceDetails");
        if (!problem.empty()) bad(c, problem);
      }
    }
    auto time = [&](const std::string& c) { return model::parse_provider_time(cell(c)); };
    auto bs = time("BillingPeriodStart"), be = time("BillingPeriodEnd");
    auto cs = time("ChargePeriodStart"), ce = time("ChargePeriodEnd");
    if (bs && be && (model::start_of_month(*bs) != *bs || model::add_months(*bs, 1) != *be)) {
      out.push_back(where + ": the billing period " + cell("BillingPeriodStart") + " .. " + cell("BillingPeriodEnd") + " is not one calendar month");
    }
    if (cs && ce && !(*cs < *ce)) out.push_back(where + ": ChargePeriodStart is not before ChargePeriodEnd");
    if (bs && be && cs && ce && (*cs < *bs || *ce > *be)) {
      out.push_back(where + ": the charge period " + cell("ChargePeriodStart") + " .. " + cell("ChargePeriodEnd") + " is outside its billing period");
    }
  }
  return out;
}

}  // namespace gpubill::test
