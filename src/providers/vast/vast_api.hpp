#pragma once
// Vast.ai billing, as ../shared/docs/providers/vast.md documents it (sections in brackets).
// Server root https://console.vast.ai; Authorization: Bearer <VAST_API_KEY> [1]. Query values
// that are not strings are JSON text, URL-encoded [1]. Both trailing-slash forms are accepted;
// gpubill sends the SDK's (with).
//
//   GET /api/v0/charges/?select_filters={"day": {"gte": S, "lte": E}}&format=table
//       &latest_first=false&limit=100[&after_token=T]                                   [3]
//       {"success": true, "count": 2, "total": 3, "next_token": "eyJ2...", "results": [
//         {"start": 1767225600, "end": 1767571200, "type": "instance",
//          "source": "instance-12345678", "description": "Instance 12345678 Charges - 4 days",
//          "amount": 38.421, "metadata": {"label": "llm-train", "template_id": 101},
//          "items": [{"type": "gpu", "description": "96.000 hours at $0.389/hour",
//                     "amount": 37.344, "start": ..., "end": ..., "source": null, ...}]}]}
//       lte is inclusive: a window [S, E) is asked as lte = E - 1 [9.1]. One result per
//       contract overlapping the window; its start/end are the contract's [9.2].
//   GET /api/v1/invoices/?select_filters={"when": {...}}[&after_token=T]                [4]
//       payments: {"start": 1767300000.0, "end": 1767300250.0, "type": "credit",
//       "source": "stripe", "amount": -25.0, "metadata": {"invoice_id": 2185418, ...}}
//   GET /api/v0/users/current                                                             [7]
//       {"credit": 25.0, "balance": 0.0, "balance_threshold": 10.0, ...}
//   GET /api/v1/instances/?limit=25[&after_token=T]                                       [7]
//       {"success": true, "next_token": null, "instances": [{"id": 12345678,
//        "gpu_name": "RTX 4090", "num_gpus": 2, ...}]}
//
// Paging is keyset: after_token = the previous page's next_token until it is null or empty
// [6]. Errors are {"success": false, "error": "...", "msg": "..."}, also with HTTP 200
// (invoices with a bad range); a key matching no user is 404 auth_error [8]. 429 comes with
// a JSON {detail} or plain text and no Retry-After; the limit is a minimum interval per
// endpoint (1 s for charges, 3 s for invoices) [8]. Money is USD as JSON numbers rounded to
// 3 decimals, read exactly from their text [9.3]; times are unix seconds (floats for
// invoices).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubill/model/balance.hpp"
#include "gpubill/model/cost_record.hpp"
#include "gpubill/model/period.hpp"
#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers::vast {

/// What the instances listing says of one instance.
struct InstanceGpu {
  std::string gpu_name;  ///< "RTX 4090"
  int num_gpus = 0;
};

/// One page of a keyset-paged answer.
struct Page {
  std::vector<model::CostRecord> records;
  std::vector<std::string> identities;  ///< one per result (its source), for paging checks
  std::optional<long long> total;       ///< the results matching the filters, when sent
  std::string next_token;               ///< empty: the last page
};

struct ChargesContext {
  Endpoint endpoint;
  model::Period window;  ///< the asked window: every record's period lies inside it
  const std::map<long long, InstanceGpu>* gpus = nullptr;  ///< live instances; may be null
};

/// A charges page: one record per item of each contract (gpu, disk, bandwidth), and one for
/// what the items do not add up to (or for a contract without items), so the records of a
/// contract always sum to its amount. Periods: the item's (else the contract's) times
/// intersected with the window.
Page parse_charges(std::string_view body, const ChargesContext& ctx);

/// An invoices page: one record per payment (they are money paid in, not costs).
Page parse_invoices(std::string_view body, const Endpoint& endpoint);

/// An instances page: id -> GPU name and count.
std::map<long long, InstanceGpu> parse_instances(std::string_view body, const Endpoint& endpoint,
                                                 std::string& next_token);

/// users/current: credit (spendable), balance, balance_threshold in USD.
model::Balance parse_user(std::string_view body, const Endpoint& endpoint);

/// The HTTP status check Vast needs beyond check_response(): a 404 "auth_error" is a key
/// that matches no user (exit 3), and a 200 {"success": false} is an error.
void check_vast_response(const transport::HttpResponse& response, const Endpoint& endpoint);

/// Vast's error bodies, {"success": false, "error": "<code>", "msg": "..."} [8]: the msg (the
/// error is a code such as auth_error). Empty without a msg (the shared reading then applies).
std::string error_message(const nlohmann::json& object);

}  // namespace gpubill::providers::vast
