// Hyperstack billing in the fake cloud, as ../shared/docs/providers/hyperstack.md describes
// it: the `api_key` header, {status|success, message, <wrapper>} envelopes with the spec's
// wrapper keys (snapshots under billing_history_volume, token workloads under
// billing_history_serverless_inference), pagination {page, per_page, pages} capped at 5 items
// a page whatever per_page asks, and {status: false, message, error_reason} errors.
//
// Data: per resource kind a few resources with amounts in 1e-9 USD for the requested period
// (a day's cost times the number of days asked), so totals are exact.
#include <algorithm>
#include <map>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "support/fake_cloud/fake_cloud_state.hpp"

namespace gpubill::test {

namespace {

using nlohmann::json;

constexpr long long k_page_cap = 5;

struct Kind {
  const char* path;
  const char* wrapper;
  const char* flag;  // "status" or "success"
  int count;         // resources of this kind
  long long daily;   // 1e-9 USD a day for resource 0; resource k adds k * 1000
};

const std::map<std::string, Kind>& kinds() {
  static const std::map<std::string, Kind> k = {
      {"virtual-machine", {"virtual-machine", "billing_history_vm", "status", 12, 57'600'000'123}},
      {"volume", {"volume", "billing_history_volume", "status", 4, 1'680'000'000}},
      {"snapshot", {"snapshot", "billing_history_volume", "status", 3, 3'174}},
      {"bucket", {"bucket", "billing_history_bucket", "status", 2, 15}},
      {"cluster", {"cluster", "billing_history_cluster", "status", 2, 470'400'000'000}},
      {"contract", {"contract", "billing_history_contract", "status", 2, 403'200'000'000}},
      {"serverless_inference", {"serverless_inference", "billing_history_serverless_inference", "success", 3, 938'400'000}},
      {"fine_tuning", {"fine_tuning", "billing_history_fine_tuning", "success", 1, 14'200'000'000}},
      {"model_evaluation", {"model_evaluation", "billing_history_serverless_inference", "success", 1, 100'000'000}},
      {"data_synthesis", {"data_synthesis", "billing_history_serverless_inference", "success", 1, 200'000'000}},
      {"image_generation", {"image_generation", "billing_history_serverless_inference", "success", 1, 300'000'000}},
  };
  return k;
}

long long days_between(const httplib::Request& req) {
  auto day = [&](const char* key, long long fallback) {
    if (!req.has_param(key)) return fallback;
    std::optional<model::Timestamp> t = model::parse_provider_time(req.get_param_value(key));
    return t ? model::to_unix(*t) : fallback;
  };
  long long start = day("start_date", 0);
  long long end = day("end_date", start + 30 * 86'400);
  return std::max(0LL, (end - start) / 86'400);
}

bool authorized(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  if (req.get_header_value("api_key") == state.options.hyperstack_key) return true;
  res.status = 401;
  res.set_content(R"({"status": false, "message": "Invalid API key", "error_reason": "unauthorized"})",
                  "application/json");
  return false;
}

void handle_list(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  if (!authorized(req, res, state)) return;
  std::string fault = req.matches[1];
  const Kind& kind = kinds().at(req.matches[2]);
  if (fault == "500-once" && state.hit(fault) == 1) {
    res.status = 500;
    res.set_content(R"({"message": "Internal Server Error"})", "application/json");
    return;
  }
  if (fault == "status-false") {
    res.set_content(R"({"status": false, "message": "region is under maintenance", "error_reason": "server_error"})",
                    "application/json");
    return;
  }
  long long days = days_between(req);
  std::string search = req.has_param("search") ? req.get_param_value("search") : "";
  std::vector<json> all;
  for (int k = 0; k < kind.count; ++k) {
    std::string name = std::string(kind.path) + "-" + std::to_string(k);
    if (!search.empty() && name.find(search) == std::string::npos) continue;
    Units cost = static_cast<Units>(kind.daily + k * 1000) * days;
    json attributes = {{"id", "uuid-" + name}, {"infrahub_id", 1000 + k}, {"resource_name", name},
                       {"status", "ACTIVE"}, {"contract_id", nullptr}};
    // Amounts as JSON numbers written from exact decimal text (the wire's doubles).
    json metrics = json::parse("{\"incurred_bill\": " + units_text(cost, 9) +
                               ", \"price_per_hour\": 2.4, \"usage_time\": " +
                               std::to_string(days * 24) + "}");
    all.push_back({{"attributes", attributes}, {"metrics", metrics}});
  }
  bool paged = std::string(kind.path) != "contract";
  // The contracts list is documented with no 200 body at all (hyperstack.md 6): that is what
  // it answers. Fault `contract-json` serves the docs' guess of a body instead.
  if (!paged && fault != "contract-json") {
    res.status = 200;
    res.set_content("", "application/json");
    return;
  }
  long long per_page = std::min(k_page_cap, req.has_param("per_page") ? std::stoll(req.get_param_value("per_page")) : 20LL);
  long long page = req.has_param("page") ? std::stoll(req.get_param_value("page")) : 1;
  long long total = static_cast<long long>(all.size());
  long long pages = paged ? (total + per_page - 1) / per_page : 1;
  json items = json::array();
  for (long long i = paged ? (page - 1) * per_page : 0; i < total && (!paged || i < page * per_page); ++i) {
    items.push_back(all[static_cast<std::size_t>(i)]);
  }
  json wrapper = {{"org_id", 6190}, {"total_count", total}, {"billing_history", items}};
  if (paged) wrapper["pagination"] = {{"page", page}, {"per_page", per_page}, {"pages", fault == "no-pages" ? 0 : pages}};
  std::string key = kind.wrapper;
  if (fault == "live-keys" && std::string(kind.path) == "snapshot") key = "billing_history_snapshot";
  json body = {{kind.flag, true}, {"message", "Billing History Retrieved Successfully."}, {key, wrapper}};
  res.status = 200;
  res.set_content(body.dump(), "application/json");
}

// .../<kind>/<id> and .../<kind>/<id>/graph: one resource; the graph has one point a day
// whose values add up to the resource's amount in the list.
void handle_detail(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  if (!authorized(req, res, state)) return;
  const Kind& kind = kinds().at(req.matches[2]);
  int k = std::stoi(req.matches[3]) - 1000;
  bool graph = req.matches[4].length() > 0;
  if (k < 0 || k >= kind.count) {
    res.status = 404;
    res.set_content(R"({"status": false, "message": "Resource not found", "error_reason": "not_found"})",
                    "application/json");
    return;
  }
  long long days = days_between(req);
  std::string name = std::string(kind.path) + "-" + std::to_string(k);
  Units daily = static_cast<Units>(kind.daily + k * 1000);
  json attributes = {{"id", "uuid-" + name}, {"infrahub_id", 1000 + k}, {"resource_name", name}};
  std::string metrics;
  if (graph) {
    long long start = model::to_unix(*model::parse_provider_time(req.get_param_value("start_date")));
    std::string points;
    for (long long d = 0; d < days; ++d) {
      points += std::string(d ? ", " : "") + "{\"datetime\": \"" +
                model::format_rfc3339(model::from_unix(start + d * 86'400)) + "\", \"value\": " +
                units_text(daily, 9) + "}";
    }
    metrics = "{\"incurred_bill\": " + units_text(daily * days, 9) + ", \"incurred_bill_graph\": [" + points + "]}";
  } else {
    metrics = "{\"incurred_bill\": " + units_text(daily * days, 9) + ", \"non_discounted_bill\": " +
              units_text(daily * days, 9) + ", \"price_per_hour\": 2.4, \"usage_time\": " +
              std::to_string(days * 24) + "}";
  }
  std::string wrapper = std::string(req.matches[2]) == "virtual-machine" ? "billing_history_vm_details"
                                                                          : "billing_history_details";
  res.set_content("{\"status\": true, \"message\": \"ok\", \"" + wrapper + "\": {\"org_id\": 6190, "
                  "\"total_count\": 1" + (graph ? ", \"granularity\": 86400" : "") +
                  ", \"billing_history\": [{\"attributes\": " + attributes.dump() +
                  ", \"metrics\": " + metrics + "}]}}",
                  "application/json");
}

void handle_history(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  if (!authorized(req, res, state)) return;
  long long days = days_between(req);
  auto total_of = [&](const char* path) {
    const Kind& k = kinds().at(path);
    Units sum = 0;
    for (int i = 0; i < k.count; ++i) sum += static_cast<Units>(k.daily + i * 1000) * days;
    return sum;
  };
  Units vm = total_of("virtual-machine");
  Units volume = total_of("volume");
  Units snapshot = total_of("snapshot");
  Units contract = total_of("contract");
  // incurred_bill is the organisation's bill for the period: everything the eleven lists
  // bill, of which vm, volume, snapshot and contract are the only components broken out
  // (hyperstack.md 2: "total costs"; the docs' example differs from its components). Fault
  // `components-only` serves the other reading, incurred_bill = the four components.
  Units incurred = 0;
  for (const auto& [path, kind] : kinds()) incurred += total_of(path.c_str());
  if (std::string(req.matches[1]) == "components-only") incurred = vm + volume + snapshot + contract;
  std::string body = "{\"status\": true, \"message\": \"Billing history retrieved successfully\", "
                     "\"billing_history\": {\"org_id\": 6190, \"total_count\": 1, \"billing_history\": "
                     "[{\"attributes\": {\"id\": \"org-6190\"}, \"metrics\": {\"incurred_bill\": " +
                     units_text(incurred, 9) +
                     ", \"non_discounted_bill\": " + units_text(incurred, 9) +
                     ", \"vm_cost\": " + units_text(vm, 9) + ", \"volume_cost\": " +
                     units_text(volume, 9) + ", \"snapshot_cost\": " + units_text(snapshot, 9) +
                     ", \"contract_cost\": " + units_text(contract, 9) + "}}]}}";
  res.set_content(body, "application/json");
}

}  // namespace

LastAnswer hyperstack_list_truth(const std::string& path, long long days) {
  const Kind& k = kinds().at(path);
  Units sum = 0;
  for (int i = 0; i < k.count; ++i) sum += static_cast<Units>(k.daily + i * 1000) * days;
  return {static_cast<std::size_t>(k.count), units_text(sum, 9)};
}

void add_hyperstack_routes(httplib::Server& server, FakeCloud::State& state) {
  server.Get(R"((?:http://[^/]+)?/hyperstack(?:/fault/([a-z0-9-]+))?/v1/billing/billing/history/([a-z_-]+)/([0-9]+)(/graph)?)",
             [&state](const httplib::Request& req, httplib::Response& res) {
               if (kinds().count(req.matches[2]) == 0) {
                 res.status = 404;
                 res.set_content(R"({"status": false, "message": "Not Found", "error_reason": "not_found"})", "application/json");
                 return;
               }
               handle_detail(req, res, state);
             });
  server.Get(R"((?:http://[^/]+)?/hyperstack(?:/fault/([a-z0-9-]+))?/v1/billing/billing/last-day-cost)",
             [&state](const httplib::Request& req, httplib::Response& res) {
               state.record(req);
               if (!authorized(req, res, state)) return;
               res.set_content(R"({"message": "Successful", "status": true, "data": {"instances_cost": 57.6,)"
                               R"( "volumes_cost": 1.68, "clusters_cost": 0.0, "total_cost": 60.0}})",
                               "application/json");
             });
  server.Get(R"((?:http://[^/]+)?/hyperstack(?:/fault/([a-z0-9-]+))?/v1/billing/billing/usage)",
             [&state](const httplib::Request& req, httplib::Response& res) {
               state.record(req);
               if (!authorized(req, res, state)) return;
               bool deleted = req.has_param("deleted") && req.get_param_value("deleted") == "true";
               res.set_content(deleted
                   ? R"({"message": "Successful", "status": true, "data": [{"resource_id": 7, "resource_type": "vm",)"
                     R"( "name": "old", "bill_per_minute": null, "create_time": "2026-07-29T15:51:28.071Z",)"
                     R"( "terminate_time": "2026-07-30 15:51:28+02:00", "total_up_time": 1320, "total_bill": 52.8,)"
                     R"( "active": false, "exclude_billing": false}]})"
                   : R"({"message": "Successful", "status": true, "data": [{"resource_id": 8429, "resource_type": "vm",)"
                     R"( "name": "train-h100-01", "bill_per_minute": 0.04, "create_time": "2026-11-01T09:12:44Z",)"
                     R"( "terminate_time": null, "total_up_time": 7630, "total_bill": 305.2, "active": true,)"
                     R"( "exclude_billing": false}, {"resource_id": 1129, "resource_type": "volume", "name": "vol",)"
                     R"( "bill_per_minute": 0.00001, "create_time": "2026-11-06 16:04:09", "terminate_time": null,)"
                     R"( "total_up_time": 37, "total_bill": 0.00037, "active": true, "exclude_billing": false},)"
                     // hyperstack.md 11: exclude_billing, a resource Hyperstack does not bill.
                     R"( {"resource_id": 1130, "resource_type": "vm", "name": "credit-trial",)"
                     R"( "bill_per_minute": 0.01, "create_time": "2026-11-10T00:00:00Z", "terminate_time": null,)"
                     R"( "total_up_time": 600, "total_bill": 6.0, "active": true, "exclude_billing": true}]})",
                   "application/json");
             });
  server.Get(R"((?:http://[^/]+)?/hyperstack(?:/fault/([a-z0-9-]+))?/v1/billing/billing/history/([a-z_-]+))",
             [&state](const httplib::Request& req, httplib::Response& res) {
               if (kinds().count(req.matches[2]) == 0) {
                 res.status = 404;
                 res.set_content(R"({"status": false, "message": "Not Found", "error_reason": "not_found"})", "application/json");
                 return;
               }
               handle_list(req, res, state);
             });
  server.Get(R"((?:http://[^/]+)?/hyperstack(?:/fault/([a-z0-9-]+))?/v1/billing/billing/history)",
             [&state](const httplib::Request& req, httplib::Response& res) {
               handle_history(req, res, state);
             });
}

}  // namespace gpubill::test
