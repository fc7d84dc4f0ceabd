#pragma once
// A FOCUS checker for the tests (docs/focus.md, "The checker"): the rules of FOCUS 1.2's
// columns (FOCUS_Spec, specification/columns/*.md and attributes/*.md at tag v1.2) that a
// dataset shows on its own, checked over a whole CSV document.
#include <string>
#include <string_view>
#include <vector>

namespace gpubill::test {

/// Every rule a FOCUS `version` ("1.2" or "1.3") CSV document breaks, one line each naming
/// the row and column; empty: none. Checks the header (every Mandatory column, x_ on every
/// custom column, FOCUS columns first), then each row: nullability, numeric and date/time
/// formats, allowed values (ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory,
/// ServiceCategory, ServiceSubcategory under its category), the pairs that are null together
/// (PricingQuantity/PricingUnit, ConsumedQuantity/ConsumedUnit, ResourceId/ResourceType,
/// SkuPriceId/SkuPriceDetails), ConsumedQuantity only on Usage, no Usage-Based Purchase, the
/// key-value format of Tags and SkuPriceDetails, and ChargePeriodStart < ChargePeriodEnd inside
/// a billing period of one calendar month.
std::vector<std::string> focus_problems(std::string_view csv, const std::string& version);

}  // namespace gpubill::test
