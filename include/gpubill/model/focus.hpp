#pragma once
// What a provider declares so that its records can be written as FOCUS rows (FinOps Open
// Cost and Usage Specification; docs/focus.md). The data lives with each adapter
// (ProviderInfo::focus); format/focus.cpp knows FOCUS's columns and rules, not providers.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubill/model/cost_record.hpp"

namespace gpubill::model {

/// How one kind of record fills FOCUS's service and charge columns. A mapping's rules are
/// tried in order; the first whose service matches is used (a component's service,
/// "pods:gpu", matches the rule of "pods" when it has none of its own).
struct FocusRule {
  std::string service;               ///< the record's service; "*": any
  std::string service_category;      ///< ServiceCategory: one of FOCUS's allowed values
  std::string service_subcategory;   ///< ServiceSubcategory: one under service_category
  std::string service_name;          ///< ServiceName: the provider's name for the offering
  std::string resource_type;         ///< ResourceType where the record names a resource
  std::string charge_category = "Usage";         ///< Usage, Purchase, Credit, Adjustment
  std::string charge_frequency = "Usage-Based";  ///< One-Time, Recurring, Usage-Based
};

struct FocusMapping {
  /// ProviderName, PublisherName and InvoiceIssuerName (1.3: ServiceProviderName and
  /// HostProviderName): the company, as it names itself ("Runpod", "Novita AI").
  std::string provider_name;
  /// BillingAccountId: the first of these attributes a record carries (text or integer);
  /// none: "default", the one account whose key gpubill uses (as the ledger's account).
  std::vector<std::string> account_attributes{};
  /// ListCost where the provider gives a price before discounts; else the amount.
  std::string list_cost_attribute{};
  /// ListUnitPrice: a price per one of the record's usage unit, before discounts.
  std::string list_unit_price_attribute{};
  /// SkuPriceId: the first of these attributes a record carries; none: the gpu_type.
  std::vector<std::string> sku_attributes{};
  /// Tags: the attribute holding the resource's tags ({k: v} or [{k: v}, ...]).
  std::string tags_attribute{};
  /// InvoiceId: the attribute holding the invoice the charge is on.
  std::string invoice_attribute{};
  /// The region code is also the region's display name (RegionName), as Runpod's
  /// data-center ids ("EU-RO-1") are; otherwise RegionName is null.
  bool region_is_name = false;
  /// Records whose attribute `subscription_attribute` holds `subscription_value` are bought for
  /// a fixed term, used or not: ChargeCategory Purchase, ChargeFrequency Recurring.
  std::string subscription_attribute{};
  std::string subscription_value{};
  std::vector<FocusRule> rules{};
};

/// The rule for `record`: the mapping's first match (a subscription's as a Purchase); for the
/// report's "other" record (the difference from a provider's own total) an Adjustment; else an
/// "Other" usage rule.
FocusRule focus_rule(const FocusMapping& mapping, const CostRecord& record);

/// A record's usage unit in FOCUS's unit format ("hour" -> "Hours", "GB-hour" ->
/// "GB-Hours"); nullopt for an empty unit.
std::optional<std::string> focus_unit(std::string_view usage_unit);

/// An attribute as text: a string as it is, an integer or a decimal number as digits;
/// nullopt when absent, null, empty or another type.
std::optional<std::string> attribute_text(const CostRecord& record, std::string_view key);

}  // namespace gpubill::model
