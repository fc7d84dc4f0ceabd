#pragma once
// Hyperstack (NexGenCloud Infrahub) billing, as ../shared/docs/providers/hyperstack.md and the
// seed BillingApi page document it. Server root https://infrahub-api.nexgencloud.com/v1;
// header `api_key: <key>` (literally api_key, no Bearer).
//
//   GET /billing/billing/history                 org totals: {status, message,
//       billing_history: {org_id, total_count, billing_history: [{attributes: {id},
//       metrics: {incurred_bill, non_discounted_bill, vm_cost, volume_cost, snapshot_cost,
//       contract_cost}}]}}
//   GET /billing/billing/history/<kind>?start_date&end_date&search&per_page&page
//       kinds: virtual-machine, volume, snapshot, bucket, cluster, contract, and the token
//       workloads serverless_inference, fine_tuning, model_evaluation, data_synthesis,
//       image_generation. {status|success, message, <wrapper>: {org_id, total_count,
//       pagination: {page, per_page, pages}, billing_history: [{attributes: {id, infrahub_id,
//       resource_name, status, contract_id, ...}, metrics: {incurred_bill, price_per_hour,
//       usage_time, ... input_tokens, output_tokens, ...}}]}}
//
// The wrapper key differs per endpoint and the spec reuses keys (snapshots come under
// billing_history_volume; three token workloads under billing_history_serverless_inference):
// take the expected key, else the one object member whose name starts with billing_history.
// Amounts are JSON numbers in USD (exponent floats happen: 1.4799118041992184e-11); no
// field is required; a 200 whose status/success is false is an error.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers::hyperstack {

/// A parsed list page: the records, and what the server said about paging.
struct ListPage {
  std::vector<model::CostRecord> records;
  std::optional<long long> pages;        ///< pagination.pages, when given and positive
  std::optional<long long> total_count;
};

/// The payload under the envelope: checks status/success (false is an error with the
/// message and error_reason), then finds `wrapper`, else the single member whose name starts
/// with "billing_history". Throws ProviderError when there is none.
nlohmann::json unwrap(const nlohmann::json& doc, const std::string& wrapper, const Endpoint& ep);

/// A list endpoint's page -> one record per resource (service = `service`, period =
/// `period`, amount = incurred_bill USD, usage = usage_time hours where given, attributes =
/// the resource's attributes and metrics merged). Pure.
ListPage parse_list(std::string_view body, const std::string& wrapper, const std::string& service,
                    const model::Period& period, const Endpoint& ep);

/// The org-level history -> one record per cost component present (vm, volume, snapshot,
/// contract), with incurred_bill and non_discounted_bill in attributes. Pure.
std::vector<model::CostRecord> parse_history(std::string_view body, const model::Period& period,
                                             const Endpoint& ep);

/// GET /billing/billing/last-day-cost {status, message, data: {instances_cost, volumes_cost,
/// clusters_cost, total_cost}} -> one record per component for `yesterday`; when total_cost
/// exceeds the components, an `other` record holds the difference so the total matches. Pure.
std::vector<model::CostRecord> parse_last_day(std::string_view body, const model::Period& yesterday,
                                              const Endpoint& ep);

/// GET /billing/billing/usage {status, message, data: [{resource_id, resource_type, name,
/// bill_per_minute, create_time, terminate_time, total_up_time (minutes), total_bill, active,
/// exclude_billing}]} -> one record per resource, period = its lifetime [create_time,
/// terminate_time or now). Times in any documented form (Z, offset, fraction, space, no zone,
/// null). Pure.
std::vector<model::CostRecord> parse_usage(std::string_view body, model::Timestamp now,
                                           const model::Period& fallback, const Endpoint& ep);

/// A detail .../graph answer (Shape G: {granularity, billing_history: [{attributes, metrics:
/// {incurred_bill_graph: [{datetime, value}]}}]}) -> one record per datapoint, period =
/// [datetime, datetime + granularity seconds). A missing granularity is inferred from the
/// smallest gap between datapoints (else the point runs to `requested.end`). An answer with no
/// incurred_bill_graph at all is an error (the spec gives some kinds a graph path without one).
std::vector<model::CostRecord> parse_graph(std::string_view body, const std::string& wrapper,
                                           const std::string& service,
                                           const model::Period& requested, const Endpoint& ep);

/// start_date/end_date as Hyperstack wants them: "2026-05-01T00:00:00" (UTC, no zone).
std::string request_date(model::Timestamp t);

}  // namespace gpubill::providers::hyperstack
