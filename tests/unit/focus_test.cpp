// -o focus: the formatter's mapping of records to FOCUS columns (format/focus.cpp,
// model/focus.cpp), and the checker the e2e and conformance tests rely on, shown to fail on
// each rule it checks (tests/support/focus_check.cpp).
#include <catch2/catch.hpp>

#include <map>

#include "gpubill/format/formatter.hpp"
#include "gpubill/model/focus.hpp"
#include "gpubill/providers/registry.hpp"
#include "support/focus_check.hpp"

using namespace gpubill;
using model::CostRecord;
using model::Decimal;

namespace {

model::Timestamp at(const char* text) { return *model::parse_provider_time(text); }

model::FocusMapping test_mapping() {
  model::FocusMapping m;
  m.provider_name = "Example Cloud";
  m.account_attributes = {"account"};
  m.list_cost_attribute = "list";
  m.list_unit_price_attribute = "list_rate";
  m.sku_attributes = {"sku"};
  m.tags_attribute = "tags";
  m.invoice_attribute = "invoice";
  m.region_is_name = true;
  m.subscription_attribute = "method";
  m.subscription_value = "subscription";
  m.rules = {{"vm", "Compute", "Virtual Machines", "VMs", "Virtual Machine"},
             {"disk", "Storage", "Block Storage", "Disks", "Disk"}};
  return m;
}

CostRecord vm_record() {
  CostRecord r;
  r.provider = "example";
  r.service = "vm";
  r.resource_id = "vm-1";
  r.resource_name = "=cmd";  // a spreadsheet formula: guarded like -o csv
  r.gpu_type = "H100 SXM";
  r.gpu_model = "H100 80GB";
  r.region = "EU-1";
  r.currency = "USD";
  r.period = {at("2026-10-01"), at("2026-10-02")};
  r.amount = Decimal::parse("48.000000000001");
  r.usage_quantity = Decimal::parse("24");
  r.usage_unit = "hour";
  r.attributes["account"] = 6190;
  r.attributes["list"] = "52.5";
  r.attributes["list_rate"] = 2.1875;
  r.attributes["gpubill_gpu_count"] = 8;
  r.attributes["gpubill_gpu_hours"] = "192";
  r.attributes["tags"] = nlohmann::ordered_json::array({{{"team", "ml"}}, {{"env", "prod"}}});
  return r;
}

// The rows of `records` as FOCUS `version`, each a map of column -> cell.
std::vector<std::map<std::string, std::string>> focus_rows(const std::vector<CostRecord>& records,
                                                           const std::string& version = "1.2",
                                                           std::string* text = nullptr) {
  static const model::FocusMapping mapping = test_mapping();
  format::RenderInput in(records);
  in.focus.version = version;
  in.focus.mapping = [](const CostRecord& r) -> const model::FocusMapping* {
    return r.provider.str() == "example" ? &mapping : nullptr;
  };
  in.focus.billing_month = [](const CostRecord& r) -> std::optional<std::string> {
    auto it = r.attributes.find("cycle");
    if (it == r.attributes.end()) return std::nullopt;
    return it->get<std::string>();
  };
  std::string csv = format::render(in, format::Format::focus);
  if (text) *text = csv;
  std::vector<std::vector<std::string>> rows = *format::read_csv(csv);
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < rows[0].size(); ++c) row[rows[0][c]] = rows[i][c];
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE("focus: a metered record fills every column it can, exactly", "[focus]") {
  std::string text;
  auto rows = focus_rows({vm_record()}, "1.2", &text);
  REQUIRE(rows.size() == 1);
  auto& r = rows[0];
  CHECK(r["BilledCost"] == "48.000000000001");
  CHECK(r["EffectiveCost"] == "48.000000000001");
  CHECK(r["ContractedCost"] == "48.000000000001");
  CHECK(r["ListCost"] == "52.5");  // the provider's price before discounts
  CHECK(r["ListUnitPrice"] == "2.1875");
  CHECK(r["BillingAccountId"] == "6190");
  CHECK(r["BillingAccountName"].empty());
  CHECK(r["BillingCurrency"] == "USD");
  CHECK(r["BillingPeriodStart"] == "2026-10-01T00:00:00Z");
  CHECK(r["BillingPeriodEnd"] == "2026-11-01T00:00:00Z");
  CHECK(r["ChargePeriodStart"] == "2026-10-01T00:00:00Z");
  CHECK(r["ChargePeriodEnd"] == "2026-10-02T00:00:00Z");
  CHECK(r["ChargeCategory"] == "Usage");
  CHECK(r["ChargeFrequency"] == "Usage-Based");
  CHECK(r["ChargeClass"].empty());
  CHECK(r["ChargeDescription"] == "VMs");  // no description of its own: the service's name
  CHECK(r["PricingQuantity"] == "24");
  CHECK(r["PricingUnit"] == "Hours");
  CHECK(r["ConsumedQuantity"] == "24");
  CHECK(r["ConsumedUnit"] == "Hours");
  CHECK(r["PricingCategory"] == "Standard");
  CHECK(r["ProviderName"] == "Example Cloud");
  CHECK(r["PublisherName"] == "Example Cloud");
  CHECK(r["InvoiceIssuerName"] == "Example Cloud");
  CHECK(r["InvoiceId"].empty());
  CHECK(r["RegionId"] == "EU-1");
  CHECK(r["RegionName"] == "EU-1");
  CHECK(r["ResourceId"] == "vm-1");
  CHECK(r["ResourceName"] == "'=cmd");
  CHECK(r["ResourceType"] == "Virtual Machine");
  CHECK(r["ServiceCategory"] == "Compute");
  CHECK(r["ServiceSubcategory"] == "Virtual Machines");
  CHECK(r["ServiceName"] == "VMs");
  CHECK(r["SkuPriceId"] == "H100 SXM");  // no sku attribute: the provider's GPU name
  CHECK(r["SkuPriceDetails"] == "{\"GpuCount\":8}");
  CHECK(r["Tags"] == "{\"team\":\"ml\",\"env\":\"prod\"}");
  CHECK(r["x_GpuHours"] == "192");
  CHECK(r["x_GpuModel"] == "H100 80GB");
  CHECK(r["x_GpubillProvider"] == "example");
  CHECK(r["x_GpubillService"] == "vm");
  CHECK(r.count("ServiceProviderName") == 0);
  CHECK(test::focus_problems(text, "1.2").empty());
}

TEST_CASE("focus: 1.3 adds ServiceProviderName and HostProviderName", "[focus]") {
  std::string text;
  auto rows = focus_rows({vm_record()}, "1.3", &text);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["ServiceProviderName"] == "Example Cloud");
  CHECK(rows[0]["HostProviderName"] == "Example Cloud");
  CHECK(test::focus_problems(text, "1.3").empty());
  // A 1.3 document is not a 1.2 one: the checker names the two columns.
  CHECK(test::focus_problems(text, "1.2").size() == 2);
  CHECK(format::focus_columns("1.3").size() == format::focus_columns("1.2").size() + 2);
  CHECK(format::focus_columns("1.4").empty());
}

TEST_CASE("focus: a subscription is a recurring purchase, charged inside its billing month",
          "[focus]") {
  CostRecord r = vm_record();
  r.period = {at("2026-10-15"), at("2026-11-15")};
  r.usage_quantity.reset();
  r.usage_unit = "";
  r.attributes["method"] = "subscription";
  r.attributes["cycle"] = "2026-10";
  std::string text;
  auto rows = focus_rows({r}, "1.2", &text);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["ChargeCategory"] == "Purchase");
  CHECK(rows[0]["ChargeFrequency"] == "Recurring");
  CHECK(rows[0]["BillingPeriodStart"] == "2026-10-01T00:00:00Z");
  CHECK(rows[0]["ChargePeriodStart"] == "2026-10-15T00:00:00Z");
  CHECK(rows[0]["ChargePeriodEnd"] == "2026-11-01T00:00:00Z");  // cut at the billing month
  CHECK(rows[0]["x_ServicePeriodEnd"] == "2026-11-15T00:00:00Z");  // what it pays for
  CHECK(rows[0]["ConsumedQuantity"].empty());
  CHECK(rows[0]["PricingQuantity"].empty());
  CHECK(rows[0]["PricingUnit"].empty());
  CHECK(rows[0]["ListUnitPrice"].empty());  // no quantity: no price per unit
  CHECK(test::focus_problems(text, "1.2").empty());
}

TEST_CASE("focus: no amount, no currency or no mapping gives no row, and 'other' is an Adjustment",
          "[focus]") {
  CostRecord no_amount = vm_record();
  no_amount.amount.reset();
  CostRecord no_currency = vm_record();
  no_currency.currency = "";
  CostRecord unknown = vm_record();
  unknown.provider = "nobody";
  CostRecord other = vm_record();
  other.service = model::k_difference_service;
  other.resource_id = "";
  other.amount = Decimal::parse("-0.5");
  CostRecord component = vm_record();
  component.service = "disk:snapshots";  // a component: its family's rule
  CostRecord unmapped = vm_record();
  unmapped.service = "gizmo";
  std::string text;
  auto rows = focus_rows({no_amount, no_currency, unknown, other, component, unmapped}, "1.2", &text);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["ChargeCategory"] == "Adjustment");
  CHECK(rows[0]["BilledCost"] == "-0.5");
  CHECK(rows[0]["ServiceCategory"] == "Other");
  CHECK(rows[0]["ConsumedQuantity"].empty());
  CHECK(rows[0]["PricingCategory"].empty());
  CHECK(rows[1]["ServiceName"] == "Disks");
  CHECK(rows[2]["ServiceName"] == "Other");
  CHECK(rows[2]["ServiceSubcategory"] == "Other (Other)");
  CHECK(test::focus_problems(text, "1.2").empty());
}

TEST_CASE("focus: units in FOCUS's unit format", "[focus]") {
  CHECK(model::focus_unit("hour") == "Hours");
  CHECK(model::focus_unit("GB-hour") == "GB-Hours");
  CHECK(model::focus_unit("GB-month") == "GB-Months");
  CHECK(model::focus_unit("GB") == "GB");
  CHECK(model::focus_unit("input-token") == "Input Tokens");
  CHECK(!model::focus_unit(""));
}

TEST_CASE("focus: every provider's rules name allowed categories and subcategories", "[focus]") {
  // One record per rule of every registered provider, through the formatter and the checker.
  for (const std::unique_ptr<providers::Provider>& p : providers::registry()) {
    const model::FocusMapping& m = p->info().focus;
    INFO(p->info().name);
    CHECK(!m.provider_name.empty());
    CHECK(!m.rules.empty());
    std::vector<CostRecord> records;
    for (const model::FocusRule& rule : m.rules) {
      CostRecord r = vm_record();
      r.provider = p->info().name;
      r.service = rule.service;
      records.push_back(r);
    }
    format::RenderInput in(records);
    in.focus.mapping = [&m](const CostRecord&) { return &m; };
    std::string text = format::render(in, format::Format::focus);
    for (const std::string& problem : test::focus_problems(text, "1.2")) FAIL_CHECK(problem);
    CHECK(format::read_csv(text)->size() == records.size() + 1);
  }
}

TEST_CASE("focus checker: each rule it checks catches a document that breaks it", "[focus]") {
  std::string good;
  focus_rows({vm_record()}, "1.2", &good);
  REQUIRE(test::focus_problems(good, "1.2").empty());
  std::vector<std::vector<std::string>> rows = *format::read_csv(good);
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < rows[0].size(); ++i) {
      if (rows[0][i] == name) return i;
    }
    FAIL("no column " << name);
    return std::size_t{0};
  };
  auto broken = [&](const std::string& column, const std::string& value) {
    std::vector<std::vector<std::string>> copy = rows;
    copy[1][col(column)] = value;
    std::string text;
    for (const auto& row : copy) text += format::csv_line(row);
    return test::focus_problems(text, "1.2");
  };
  CHECK(!broken("BilledCost", "").empty());                       // never null
  CHECK(!broken("BilledCost", "+12").empty());                    // numeric format
  CHECK(!broken("BilledCost", "1,000").empty());
  CHECK(!broken("ListCost", "12 USD").empty());
  CHECK(!broken("ChargePeriodStart", "2026-10-01 00:00:00").empty());  // date/time format
  CHECK(!broken("ChargePeriodStart", "2026-10-02T00:00:00Z").empty()); // not before its end
  CHECK(!broken("ChargePeriodEnd", "2026-11-02T00:00:00Z").empty());   // past the billing period
  CHECK(!broken("BillingPeriodEnd", "2026-10-31T00:00:00Z").empty());  // not one month
  CHECK(!broken("ChargeCategory", "Usage ").empty());             // allowed values
  CHECK(!broken("ChargeClass", "Correction").empty());            // gpubill corrects nothing
  CHECK(!broken("ChargeFrequency", "Monthly").empty());
  CHECK(!broken("PricingCategory", "Spot").empty());
  CHECK(!broken("ServiceCategory", "GPU").empty());
  CHECK(!broken("ServiceSubcategory", "Block Storage").empty());  // under Storage, not Compute
  CHECK(!broken("PricingUnit", "").empty());                      // null with its quantity
  CHECK(!broken("ConsumedQuantity", "").empty());
  CHECK(!broken("ResourceType", "").empty());
  CHECK(!broken("SkuPriceId", "").empty());                       // details need an id
  CHECK(!broken("SkuPriceDetails", "{\"gpu count\":8}").empty()); // PascalCase or x_
  CHECK(!broken("Tags", "[1,2]").empty());                        // a JSON object
  CHECK(!broken("Tags", "{\"a\":{\"b\":1}}").empty());            // scalar values
  CHECK(!broken("BillingCurrency", "usd").empty());
  CHECK(!broken("ChargeCategory", "Purchase").empty());  // a Purchase with a consumed quantity
  // The header: a Mandatory column missing, a custom column without x_, FOCUS after x_.
  std::string header_less = good;
  header_less.replace(0, std::string("BilledCost").size(), "Cost");
  CHECK(test::focus_problems(header_less, "1.2").size() >= 2);
  std::vector<std::vector<std::string>> moved = rows;
  for (auto& row : moved) std::rotate(row.begin(), row.begin() + 1, row.end());
  std::string text;
  for (const auto& row : moved) text += format::csv_line(row);
  CHECK(!test::focus_problems(text, "1.2").empty());
  CHECK(!test::focus_problems("BilledCost\r\n\"1", "1.2").empty());  // not CSV
}
