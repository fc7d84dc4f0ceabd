#pragma once
// Novita billing (OpenAPI "basic" namespace), as ../shared/docs/providers/novita.md and the
// seed page document it. Server root https://api.novita.ai; Authorization: Bearer <key>;
// Content-Type: application/json even on GETs.
//
//   GET /openapi/v1/billing/bill/monthly/list  ?category&productName&ownerId&startTime&endTime
//       fixed-term (subscription) bills: {"bills": [{"startTime": "1764547200",
//       "endTime": "1767225599", "productName", "productCategory": "gpu", "ownerID",
//       "tradeMode": "monthly", "tradeType": "monthly_re_buy", "basePrice", "billNum",
//       "amount", "voucherAmount", "payAmount": "130000000", "pricePrecision": 1,
//       "cycle": "2025-12", "billingMethod": 2, ...}]}
//   GET /openapi/v1/billing/bill/list  ?cycleType=Hour|Day|Week|Month&productCategory&...
//       usage bills: the same envelope; rows carry `category` (not productCategory),
//       billNum0/billNum1, basePrice0, discountPrice0, pricePrecision.
//
//   GET /openapi/v1/billing/monthly/bill  ?startMonth=YYYY-MM&page=1&pageSize=N
//       monthly statements: {"data": [{"billId", "billingMonth": "2026-10", "totalAmount",
//       "originTotalAmount", "voucherPayAmount", "cashPayAmount", "debtAmount", "repaidAmount",
//       "status": "paid", "invoiceUrl", "startTime", "endTime"}]}; no total: walk pages until
//       an empty one. Data from 2025-10.
//
//   GET /openapi/v1/billing/balance/detail
//       {"availableBalance", "cashBalance", "creditLimit", "outstandingInvoices"}
//
// Units: every amount is an integer string of 1/10000 USD ("10000" = $1). Unit prices are
// price / pricePrecision / 10000 USD. Times are unix-second strings with inclusive ends
// (a December bill ends at 1767225599 = Dec 31 23:59:59). No paging; at most 31 days a query.
// Numbers may arrive as strings or JSON numbers (older and newer doc versions): both accepted.

#include <string_view>
#include <vector>

#include "gpubill/model/balance.hpp"
#include "gpubill/model/cost_record.hpp"
#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers::novita {

enum class BillList { fixed_term, usage };

struct ParseContext {
  BillList list;
  Endpoint endpoint;
};

/// {"bills": [...]} -> records (one per bill). Pure. Throws ProviderError naming the bill and
/// field for anything malformed; `bills: null` is an empty list.
std::vector<model::CostRecord> parse_bills(std::string_view body, const ParseContext& ctx);

/// One page of monthly statements -> one record per month (service "statement",
/// resource_id = billId, amount = totalAmount / 10000 USD, period = billingMonth). Pure.
/// `data: null` is an empty page.
std::vector<model::CostRecord> parse_statements(std::string_view body, const Endpoint& endpoint);

/// The balance detail -> available, cash, credit limit and outstanding invoices in USD,
/// exactly (negative values allowed: a balance can be owed). Pure.
model::Balance parse_balance(std::string_view body, const Endpoint& endpoint);

/// billingMethod as a word: 1 pay-as-you-go, 2 subscription, 4 spot, 7 multimodal-llm;
/// other values are returned as their number.
std::string billing_method_name(long long code);

/// When `records` mixes rows of category `summary` with per-product rows, the summary rows
/// are removed (their amounts are the per-product rows again). Returns how many were removed.
std::size_t drop_summary_when_mixed(std::vector<model::CostRecord>& records);

/// Novita's error bodies, {code, reason, message} (go-kratos style, novita.md 2.6): the reason
/// is a stable code worth showing before the text ("INVALID_API_KEY: invalid api-key").
/// Empty when the body is not that shape (the shared reading then applies).
std::string error_message(const nlohmann::json& object);

}  // namespace gpubill::providers::novita
