#pragma once
// Gcore Cloud cost reports, as ../shared/docs/providers/gcore.md and the seed page document
// them. Server root https://api.gcore.com; Authorization: APIKey <key> (Bearer gets 401).
//
//   POST /cloud/v1/cost_report/totals
//     {"time_from": "2026-09-01T00:00:00Z", "time_to": "2026-10-01T00:00:00Z",
//      "enable_last_day": false, "rounding": false, "response_format": "json",
//      "projects": [..], "regions": [..], "types": [..],
//      "tags": {"conditions": [{"key", "value", "strict"}], "condition_type": "OR"|"AND"},
//      "schema_filter": {"type", "field", "values": [..]}}
//   -> {"count": N, "price_status": "show"|"hide"|"error",
//       "results": [{"type": "ai_cluster", "billing_metric_name", "billing_feature_name",
//                    "billing_value": 10080.0, "billing_value_unit": "minutes",
//                    "cost": 3763.2, "currency": "EUR", "err": null, "flavor", "region",
//                    "region_id"}, ...]}
//   POST /cloud/v1/cost_report/resources   the same body plus limit, offset, order_by; rows
//       add uuid, last_name, project_id, first_seen, last_seen, tags; count = all resources
//   POST /cloud/v1/reservation_cost_report/totals   {year_month: "YYYY-MM", regions, types,
//       schema_filter, tags, rounding}: no projects, no time_from/time_to; totals rows
//
// Periods are whole UTC days: time_from is the first day, time_to the first day after
// (exclusive, enable_last_day false); at most 31 days a request. `rounding` defaults to true
// (5 decimals), so gpubill always sends false. cost and currency may be null; err may be set.
// Units per type: minutes, gbminutes, bytes, GBS, MLS, GB, or a free string (inference).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers::gcore {

/// The 25 documented resource types.
const std::vector<std::string>& resource_types();

/// The schema_filter fields documented for `type`; empty for an unknown type.
std::vector<std::string> filter_fields(const std::string& type);

/// "8 x H100 80GB" from "bm3-ai-1xlarge-h100-80-8", "1 x L40S" from
/// "g3-ai-32-192-1500-l40s-48-1"; empty when the flavor names no GPU gpubill knows.
std::string gpu_from_flavor(std::string_view flavor);

/// billing_value in a unit a person reads: minutes -> hour, gbminutes -> GB-hour,
/// bytes -> GB (1e9 bytes); other units unchanged.
std::pair<std::optional<model::Decimal>, std::string> readable_usage(
    std::optional<model::Decimal> value, const std::string& unit);

struct ReportPage {
  std::vector<model::CostRecord> records;
  std::string price_status;  ///< "show", "hide", "error" (or empty if absent)
  long long count = 0;       ///< totals: rows returned; resources: all resources (for paging)
};

/// One totals, reservation-totals or resources response -> one record per row, each carrying
/// `window` as its period; resources rows also give resource_id (uuid) and resource_name
/// (last_name). Rows with cost null, err set or no currency keep no amount, and say why in
/// attributes.gpubill_no_price_reason. Pure.
ReportPage parse_report(std::string_view body, const model::Period& window, const Endpoint& ep);

/// Gcore's error bodies, {exception_class, message, request_id, invalid_fields: {field: [msg]}}
/// (gcore.md 1.9): "Validation Error [time_to: Field required] (request_id af99)". Empty when
/// the body has neither invalid_fields nor request_id (the shared reading then applies).
std::string error_message(const nlohmann::json& object);

}  // namespace gpubill::providers::gcore
