// Hyperstack billing in the fake cloud, as ../shared/docs/providers/hyperstack.md describes
// it: the `api_key` header, {status|success, message, <wrapper>} envelopes with the spec's
// wrapper keys (snapshots under billing_history_volume, token workloads under
// billing_history_serverless_inference), pagination {page, per_page, pages} capped at 5 items
// a page whatever per_page asks, and {status: false, message, error_reason} errors. Lists are
// Shape L, token workloads Shape T; each detail and graph endpoint answers under its own
// documented wrapper in its own shape (detail_shapes() below), the bucket and cluster details
// as one object, the bucket graph with no envelope and no time series.
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
constexpr int k_contract_vms = 2;  // VMs under a contract with fault contract-overlap

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

// The days a request's dates cover. hyperstack.md 0 does not say whether end_date is
// inclusive; the fake reads it as exclusive (gpubill's assumption, docs/providers/hyperstack.md),
// and under fault `end-inclusive` as the other reading: the day end_date names counts too.
long long days_between(const httplib::Request& req) {
  auto day = [&](const char* key, long long fallback) {
    if (!req.has_param(key)) return fallback;
    std::optional<model::Timestamp> t = model::parse_provider_time(req.get_param_value(key));
    return t ? model::to_unix(*t) : fallback;
  };
  long long start = day("start_date", 0);
  long long end = day("end_date", start + 30 * 86'400);
  long long inclusive = std::string(req.matches[1]) == "end-inclusive" && req.has_param("end_date") ? 1 : 0;
  return std::max(0LL, (end - start) / 86'400 + inclusive);
}

bool authorized(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  if (req.get_header_value("api_key") == state.options.hyperstack_key) return true;
  res.status = 401;
  res.set_content(R"({"status": false, "message": "Invalid API key", "error_reason": "unauthorized"})",
                  "application/json");
  return false;
}

// How each kind's .../<id> and .../<id>/graph answer, as hyperstack.md gives them per
// endpoint: the wrapper key (sections 2-7), and the body's shape (section 0's shared shapes).
enum class DetailBody {
  d_vm,       // Shape D-VM: billing_history [ {attributes, metrics: Shape DV} ] (2)
  d_vol,      // Shape D-VOL: attributes with subresource_type/amount (3; fine_tuning in 7)
  single_dv,  // one object {attributes, metrics: Shape DV}, no array (4, bucket details)
  cluster,    // one object {attributes, metrics: Shape L, nodes: [Shape L items]} (5)
  token,      // Shape T: token metrics, no id, no usage_time (7)
};
enum class GraphBody {
  g,        // Shape G under the graph wrapper: incurred_bill_graph datapoints
  bare_dv,  // no envelope, {org_id, total_count, granularity, billing_history: [DV]} (4)
  token,    // Shape T again: the spec gives the token graphs no time series (7)
};
struct DetailShape {
  const char* wrapper;
  const char* graph_wrapper;
  DetailBody body;
  GraphBody graph;
};

const std::map<std::string, DetailShape>& detail_shapes() {
  static const std::map<std::string, DetailShape> s = {
      {"virtual-machine", {"billing_history_vm_details", "billing_history_vm_details", DetailBody::d_vm, GraphBody::g}},
      {"volume", {"billing_history_volume_details", "billing_history_snapshot_details", DetailBody::d_vol, GraphBody::g}},
      {"snapshot", {"billing_history_volume_details", "billing_history_snapshot_details", DetailBody::d_vol, GraphBody::g}},
      {"bucket", {"billing_history_bucket_details", "", DetailBody::single_dv, GraphBody::bare_dv}},
      {"cluster", {"billing_history_cluster_details", "billing_history_cluster_details", DetailBody::cluster, GraphBody::g}},
      {"fine_tuning", {"billing_history_volume_details", "billing_history_snapshot_details", DetailBody::d_vol, GraphBody::g}},
      {"serverless_inference", {"billing_history_serverless_inference_details", "billing_history_serverless_inference_details", DetailBody::token, GraphBody::token}},
      {"model_evaluation", {"billing_history_model_evalutation_details", "billing_history_model_evalutation_details", DetailBody::token, GraphBody::token}},
      {"data_synthesis", {"billing_history_data_synthesis_details", "billing_history_data_synthesis_details", DetailBody::token, GraphBody::token}},
      {"image_generation", {"billing_history_image_generation_details", "billing_history_image_generation_details", DetailBody::token, GraphBody::token}},
      // contract: no per-contract endpoint is documented (6); it answers 404 below.
  };
  return s;
}

bool token_kind(const Kind& kind) { return std::string(kind.flag) == "success"; }

// Shape T's metrics for `cost` (1e-9 USD): a third of it billed for output tokens.
std::string token_metrics(Units cost, long long days) {
  Units output = cost / 3;
  return "{\"incurred_bill\": " + units_text(cost, 9) + ", \"non_discounted_bill\": " + units_text(cost, 9) +
         ", \"input_tokens\": " + std::to_string(days * 2'000'000) + ", \"output_tokens\": " +
         std::to_string(days * 500'000) + ", \"input_tokens_incurred_bill\": " + units_text(cost - output, 9) +
         ", \"input_tokens_non_discounted_bill\": " + units_text(cost - output, 9) +
         ", \"output_tokens_incurred_bill\": " + units_text(output, 9) +
         ", \"output_tokens_non_discounted_bill\": " + units_text(output, 9) + "}";
}

// Shape T's attributes (7): no id, no contract_id; the base model instead.
json token_attributes(const std::string& name, int k) {
  return {{"infrahub_id", 1000 + k}, {"resource_name", name}, {"status", "ACTIVE"},
          {"base_model", "meta-llama/Llama-3.1-8B-Instruct"}, {"base_model_display_name", "Llama 3.1 8B Instruct"},
          {"lora_adapter", ""}};
}

// Shape DV (0): the detail metrics with their upper-case usage_time_* suffixes.
std::string dv_metrics(Units cost, long long hours) {
  return "{\"price_per_hour\": 2.4, \"non_discounted_price_per_hour\": 2.4, \"incurred_bill\": " +
         units_text(cost, 9) + ", \"non_discounted_bill\": " + units_text(cost, 9) + ", \"usage_time\": " +
         std::to_string(hours) + ", \"usage_time_ACTIVE\": " + std::to_string(hours) +
         ", \"usage_time_SHUTOFF\": 0, \"usage_time_HIBERNATED\": 0}";
}

// Shape L's metrics (0).
std::string l_metrics(Units cost, long long hours) {
  return "{\"incurred_bill\": " + units_text(cost, 9) + ", \"price_per_hour\": 2.4, \"usage_time\": " +
         std::to_string(hours) + "}";
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
    // Amounts as JSON numbers written from exact decimal text (the wire's doubles). Token
    // workloads answer in Shape T (hyperstack.md 7), the others in Shape L (0).
    if (token_kind(kind)) {
      all.push_back({{"attributes", token_attributes(name, k)}, {"metrics", json::parse(token_metrics(cost, days))}});
      continue;
    }
    json attributes = {{"id", "uuid-" + name}, {"infrahub_id", 1000 + k}, {"resource_name", name},
                       {"status", "ACTIVE"}, {"contract_id", nullptr}};
    // Fault `contract-overlap`: the first two VMs run under contract 1000 (hyperstack.md 2
    // shows a VM with a contract_id), and the history counts their cost once, inside the
    // contract's (the reading of the docs under which the two lists overlap).
    if (fault == "contract-overlap" && std::string(kind.path) == "virtual-machine" && k < k_contract_vms) {
      attributes["contract_id"] = 1000;
    }
    // Fault `echo-key`: a hostile or broken server reflects the caller's api_key header into
    // a data field, the first VM's resource_name (Shape L's attributes, hyperstack.md 0),
    // between other text so that it is not the whole value.
    if (fault == "echo-key" && k == 0) {
      attributes["resource_name"] = "vm(" + req.get_header_value("api_key") + ")-0";
    }
    all.push_back({{"attributes", attributes}, {"metrics", json::parse(l_metrics(cost, days * 24))}});
  }
  bool paged = std::string(kind.path) != "contract";
  // The contracts list is documented with no 200 body at all (hyperstack.md 6): that is what
  // it answers. Fault `contract-json` serves the docs' guess of a body instead.
  if (!paged && fault != "contract-json" && fault != "contract-overlap") {
    res.status = 200;
    res.set_content("", "application/json");
    return;
  }
  long long per_page = std::min(k_page_cap, req.has_param("per_page") ? std::stoll(req.get_param_value("per_page")) : 20LL);
  long long page = req.has_param("page") ? std::stoll(req.get_param_value("page")) : 1;
  if (fault == "ignore-page") page = 1;  // a server that answers page 1 whatever is asked
  long long total = static_cast<long long>(all.size());
  long long pages = paged ? (total + per_page - 1) / per_page : 1;
  json items = json::array();
  for (long long i = paged ? (page - 1) * per_page : 0; i < total && (!paged || i < page * per_page); ++i) {
    items.push_back(all[static_cast<std::size_t>(i)]);
  }
  // Fault `short-total`: total_count announces 3 more than the pages hold (pages says 1).
  bool short_total = fault == "short-total";
  json wrapper = {{"org_id", 6190}, {"total_count", total + (short_total ? 3 : 0)}, {"billing_history", items}};
  if (paged) wrapper["pagination"] = {{"page", page}, {"per_page", per_page}, {"pages", fault == "no-pages" ? 0 : short_total ? 1 : pages}};
  std::string key = kind.wrapper;
  if (fault == "live-keys" && std::string(kind.path) == "snapshot") key = "billing_history_snapshot";
  json body = {{kind.flag, true}, {"message", "Billing History Retrieved Successfully."}, {key, wrapper}};
  res.status = 200;
  res.set_content(body.dump(), "application/json");
}

// .../<kind>/<id> and .../<kind>/<id>/graph: one resource, in the shape its endpoint documents.
// Where there is a time series it has one point a day whose values add up to the resource's
// amount in the list.
void handle_detail(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  if (!authorized(req, res, state)) return;
  const Kind& kind = kinds().at(req.matches[2]);
  int k = std::stoi(req.matches[3]) - 1000;
  bool graph = req.matches[4].length() > 0;
  auto shape = detail_shapes().find(req.matches[2]);
  if (k < 0 || k >= kind.count || shape == detail_shapes().end()) {
    res.status = 404;
    res.set_content(R"({"status": false, "message": "Resource not found", "error_reason": "not_found"})",
                    "application/json");
    return;
  }
  const DetailShape& s = shape->second;
  long long days = days_between(req);
  std::string name = std::string(kind.path) + "-" + std::to_string(k);
  Units daily = static_cast<Units>(kind.daily + k * 1000);
  Units cost = daily * days;
  json attributes = {{"id", "uuid-" + name}, {"infrahub_id", 1000 + k}, {"resource_name", name}};
  auto enveloped = [&](const char* wrapper, const std::string& payload) {
    res.set_content("{\"status\": true, \"message\": \"Billing Details Retrieved Successfully.\", \"" +
                        std::string(wrapper) + "\": " + payload + "}",
                    "application/json");
  };
  auto one_item = [&](const json& attrs, const std::string& metrics, const char* extra = "") {
    return "{\"org_id\": 6190, \"total_count\": 1" + std::string(extra) + ", \"billing_history\": [{\"attributes\": " +
           attrs.dump() + ", \"metrics\": " + metrics + "}]}";
  };
  if (graph) {
    if (s.graph == GraphBody::token) {
      enveloped(s.graph_wrapper, one_item(token_attributes(name, k), token_metrics(cost, days)));
      return;
    }
    if (s.graph == GraphBody::bare_dv) {
      res.set_content(one_item(attributes, dv_metrics(cost, days * 24), ", \"granularity\": 86400"),
                      "application/json");
      return;
    }
    long long start = model::to_unix(*model::parse_provider_time(req.get_param_value("start_date")));
    std::string points;
    for (long long d = 0; d < days; ++d) {
      points += std::string(d ? ", " : "") + "{\"datetime\": \"" +
                model::format_rfc3339(model::from_unix(start + d * 86'400)) + "\", \"value\": " +
                units_text(daily, 9) + "}";
    }
    enveloped(s.graph_wrapper,
              one_item(attributes,
                       "{\"incurred_bill\": " + units_text(cost, 9) + ", \"incurred_bill_graph\": [" + points + "]}",
                       ", \"granularity\": 86400"));
    return;
  }
  switch (s.body) {
    case DetailBody::d_vm:
      enveloped(s.wrapper, one_item(attributes, dv_metrics(cost, days * 24)));
      return;
    case DetailBody::d_vol: {
      json attrs = attributes;
      attrs["subresource_type"] = "Cloud-SSD";
      attrs["subresource_amount"] = 1000;
      enveloped(s.wrapper, one_item(attrs,
                                    "{\"price_per_hour\": 2.4, \"non_discounted_price_per_hour\": 2.4, "
                                    "\"incurred_bill\": " + units_text(cost, 9) + ", \"non_discounted_bill\": " +
                                        units_text(cost, 9) + ", \"usage_time\": " + std::to_string(days * 24) + "}"));
      return;
    }
    case DetailBody::single_dv:
      enveloped(s.wrapper, "{\"attributes\": " + attributes.dump() + ", \"metrics\": " + dv_metrics(cost, days * 24) + "}");
      return;
    case DetailBody::cluster: {
      json attrs = attributes;
      attrs["status"] = "ACTIVE";
      attrs["contract_id"] = nullptr;
      Units half = cost / 2;
      std::string nodes;
      for (int n = 0; n < 2; ++n) {
        json node = {{"id", "uuid-" + name + "-node-" + std::to_string(n)}, {"infrahub_id", 5000 + n},
                     {"resource_name", name + "-node-" + std::to_string(n)}, {"status", "ACTIVE"},
                     {"contract_id", nullptr}};
        nodes += std::string(n ? ", " : "") + "{\"attributes\": " + node.dump() + ", \"metrics\": " +
                 l_metrics(n == 0 ? half : cost - half, days * 24) + "}";
      }
      enveloped(s.wrapper, "{\"attributes\": " + attrs.dump() + ", \"metrics\": " + l_metrics(cost, days * 24) +
                               ", \"nodes\": [" + nodes + "]}");
      return;
    }
    case DetailBody::token:
      enveloped(s.wrapper, one_item(token_attributes(name, k), token_metrics(cost, days)));
      return;
  }
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
  if (std::string(req.matches[1]) == "contract-overlap") {
    const Kind& k = kinds().at("virtual-machine");
    Units inside = 0;
    for (int i = 0; i < k_contract_vms; ++i) inside += static_cast<Units>(k.daily + i * 1000) * days;
    vm -= inside;
    incurred -= inside;
  }
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
  state.keys["hyperstack"] = state.options.hyperstack_key;
  state.roots["GPUBILL_HYPERSTACK_URL"] = {"/hyperstack", "/v1"};
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
