// Hyperstack's list endpoints page with page/per_page and report pagination.pages; the rate
// limit (500 requests a minute per IP, across all endpoints) asks for no parallel bursts, so
// pages are fetched one after another, and 429 backs off from 1 s.
#include "providers/hyperstack/hyperstack_provider.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
#include <set>

#include "gpubill/providers/paging.hpp"
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "providers/hyperstack/hyperstack_api.hpp"

namespace gpubill::providers::hyperstack {

namespace {

constexpr int k_per_page = 100;
constexpr int k_max_pages = 500;

struct ListKind {
  const char* command;         ///< gpubill hyperstack <command>
  const char* path;            ///< under /billing/billing/history/
  const char* wrapper;         ///< the list's wrapper key, as the spec gives it
  const char* help;
  bool paged;
  const char* detail_wrapper;  ///< .../<id>; nullptr: no detail endpoint
  const char* graph_wrapper;   ///< .../<id>/graph
};

// Wrapper keys as the spec gives them, reuse and typos included (snapshots under
// billing_history_volume; token workloads under billing_history_serverless_inference; the
// volume graph under billing_history_snapshot_details; "evalutation").
const ListKind k_lists[] = {
    {"vms", "virtual-machine", "billing_history_vm", "Virtual machines, one record per VM", true,
     "billing_history_vm_details", "billing_history_vm_details"},
    {"volumes", "volume", "billing_history_volume", "Volumes, one record per volume", true,
     "billing_history_volume_details", "billing_history_snapshot_details"},
    {"snapshots", "snapshot", "billing_history_volume", "Snapshots, one record per snapshot", true,
     "billing_history_volume_details", "billing_history_snapshot_details"},
    {"buckets", "bucket", "billing_history_bucket", "Object storage buckets", true,
     "billing_history_bucket_details", "billing_history"},
    {"clusters", "cluster", "billing_history_cluster", "Kubernetes clusters", true,
     "billing_history_cluster_details", "billing_history_cluster_details"},
    {"contracts", "contract", "billing_history_contract", "Contracts (reserved capacity)", false,
     nullptr, nullptr},
    {"serverless", "serverless_inference", "billing_history_serverless_inference",
     "Serverless inference (token-billed)", true, "billing_history_serverless_inference_details",
     "billing_history_serverless_inference_details"},
    {"fine-tuning", "fine_tuning", "billing_history_fine_tuning", "Fine-tuning jobs", true,
     "billing_history_volume_details", "billing_history_snapshot_details"},
    {"model-evaluation", "model_evaluation", "billing_history_serverless_inference",
     "Model evaluations (token-billed)", true, "billing_history_model_evalutation_details",
     "billing_history_model_evalutation_details"},
    {"data-synthesis", "data_synthesis", "billing_history_serverless_inference",
     "Data synthesis (token-billed)", true, "billing_history_data_synthesis_details",
     "billing_history_data_synthesis_details"},
    {"image-generation", "image_generation", "billing_history_serverless_inference",
     "Image generation (token-billed)", true, "billing_history_image_generation_details",
     "billing_history_image_generation_details"},
};

std::vector<ResourceSpec> resource_specs() {
  std::vector<ResourceSpec> specs = {
      {"history", "Organisation totals for the period, one record per cost component",
       "gpubill hyperstack history --start last-month", {}},
      {"last-day", "Yesterday's cost (UTC) per component; --start/--end do not apply",
       "gpubill hyperstack last-day -o json", {}, ResourceKind::cost_records, "yesterday (UTC)"},
      {"usage", "Every resource with its total bill and up-time (its lifetime, not the period)",
       "gpubill hyperstack usage --deleted -o csv",
       {{"deleted", "Terminated resources instead of active ones", false, {}, true},
        {"environment", "Only this environment (id or name)", false, {}, false, false, "NAME"}},
       ResourceKind::cost_records,
       "each resource's lifetime"}};
  for (const ListKind& k : k_lists) {
    std::vector<OptionSpec> options = {
        {"search", "Only resources whose name or id matches", false, {}, false, false, "TEXT"}};
    if (k.detail_wrapper != nullptr) {
      options.push_back({"id", "One resource by its numeric id (the detail endpoint)", false, {},
                         false, false, "ID"});
      options.push_back({"graph", "With --id: its cost time series, one record per datapoint",
                         false, {}, true});
    }
    specs.push_back({k.command, k.help,
                     std::string("gpubill hyperstack ") + k.command + " --start 2026-10 -o csv",
                     options});
  }
  return specs;
}

class HyperstackProvider final : public Provider {
 public:
  HyperstackProvider()
      : m_info{"hyperstack", "Hyperstack: billing history per organisation and per resource",
               "HYPERSTACK_API_KEY", "GPUBILL_HYPERSTACK_URL",
               "https://infrahub-api.nexgencloud.com/v1",
               2000},  // jitter in [ceiling/2, ceiling]: the first retry waits at least 1 s
        m_resources(resource_specs()) {
    // The docs ask for no parallel bursts (500 requests a minute per IP, across all
    // endpoints): one request at a time, the report's eleven lists included; and a 429
    // holds for the rest of the minute, so it waits for the next one.
    m_info.max_in_flight = 1;
    m_info.rate_limit_window_ms = 60'000;
    m_info.check_resource = "last-day";  // GET /billing/billing/last-day-cost
    m_info.focus = focus_mapping();
    // resource_id is the organisation's infrahub_id; the resource is its own id.
    m_info.ledger_key_attributes = {"id"};
  }

  const ProviderInfo& info() const override { return m_info; }
  const std::vector<ResourceSpec>& resources() const override { return m_resources; }

  std::vector<ReportPart> report_plan() const override {
    // Every per-resource list (history omits buckets, clusters and AI workloads).
    std::vector<ReportPart> parts;
    for (const ListKind& k : k_lists) parts.push_back({k.command, {}});
    return parts;
  }


  std::optional<ReportPart> report_total() const override {
    // The organisation's incurred_bill per month (the history, its "other" record included).
    return ReportPart{"history", {}};
  }

  std::vector<model::CostRecord> fetch(const FetchRequest& req,
                                       transport::Transport& transport) const override {
    std::vector<std::pair<std::string, std::string>> dates = dates_of(req.query.period);
    if (req.resource == "history") {
      const std::string path = "/billing/billing/history";
      Endpoint ep{"hyperstack", m_info.key_env, "GET " + path};
      return per_month(req.query.period, req.query.now, [&](const model::Period& window) {
        transport::HttpResponse response = transport.send(get(req, path, dates_of(window)));
        check_response(response, ep);
        return parse_history(response.body, window, ep);
      });
    }
    if (req.resource == "last-day") {
      const std::string path = "/billing/billing/last-day-cost";
      Endpoint ep{"hyperstack", m_info.key_env, "GET " + path};
      transport::HttpResponse response = transport.send(get(req, path, {}));
      check_response(response, ep);
      model::Timestamp today = model::start_of_day(req.query.now);
      return parse_last_day(response.body, {today - std::chrono::days{1}, today}, ep);
    }
    if (req.resource == "usage") {
      const std::string path = "/billing/billing/usage";
      Endpoint ep{"hyperstack", m_info.key_env, "GET " + path};
      std::vector<std::pair<std::string, std::string>> query = {
          {"deleted", option_value(req.options, "deleted") == "true" ? "true" : "false"}};
      std::string environment = option_value(req.options, "environment");
      if (!environment.empty()) query.emplace_back("environment", environment);
      transport::HttpResponse response = transport.send(get(req, path, query));
      check_response(response, ep);
      return parse_usage(response.body, req.query.now, req.query.period, ep);
    }
    for (const ListKind& kind : k_lists) {
      if (req.resource != kind.command) continue;
      std::string id = option_value(req.options, "id");
      bool graph = option_value(req.options, "graph") == "true";
      if (graph && id.empty()) throw UsageError("--graph needs --id N (the resource's numeric id)");
      if (id.empty()) {
        return per_month(req.query.period, req.query.now, [&](const model::Period& window) {
          return fetch_list(req, transport, kind, window);
        });
      }
      if (id.size() > 18 || !std::all_of(id.begin(), id.end(), ::isdigit)) {
        throw UsageError("--id '" + id + "': use the resource's numeric id (infrahub_id)");
      }
      std::string path = std::string("/billing/billing/history/") + kind.path + "/" + id +
                         (graph ? "/graph" : "");
      Endpoint ep{"hyperstack", m_info.key_env, "GET " + path};
      if (graph) {  // a time series: its datapoints carry their own times
        transport::HttpResponse response = transport.send(get(req, path, dates));
        check_response(response, ep);
        return parse_graph(response.body, kind.graph_wrapper, kind.command, req.query.period, ep);
      }
      return per_month(req.query.period, req.query.now, [&](const model::Period& window) {
        transport::HttpResponse response = transport.send(get(req, path, dates_of(window)));
        check_response(response, ep);
        return parse_list(response.body, kind.detail_wrapper, kind.command, window, ep).records;
      });
    }
    throw UsageError("hyperstack: unknown resource '" + req.resource + "'");
  }

 private:
  static std::vector<std::pair<std::string, std::string>> dates_of(const model::Period& p) {
    return {{"start_date", request_date(p.start)}, {"end_date", request_date(p.end)}};
  }

  // The history and the lists answer one total per resource for the dates asked: a period of
  // several months is asked one calendar month at a time (one after another: no bursts), so
  // that every amount is in the month it belongs to (docs/report.md).
  static std::vector<model::CostRecord> per_month(
      const model::Period& period, model::Timestamp now,
      const std::function<std::vector<model::CostRecord>(const model::Period&)>& fetch_window) {
    std::vector<model::CostRecord> all;
    for (const model::Period& window : month_windows(period)) {
      std::vector<model::CostRecord> part = fetch_window(window);
      std::move(part.begin(), part.end(), std::back_inserter(all));
    }
    model::mark_incomplete(all, now);  // an --end after now: that month is still growing
    return all;
  }

  // end_date's inclusiveness is not documented (docs/providers/hyperstack.md): gpubill sends
  // the exclusive end. A VM cannot run longer than the window it is billed for; when one is
  // billed for more hours (usage_time, hours per the docs' example), Hyperstack has counted
  // more than was asked, most likely the day end_date names, and this window's amounts are
  // too. Said once per window; the amounts are kept as Hyperstack gives them.
  static void warn_hours_beyond(const std::vector<model::CostRecord>& records, const model::Period& window) {
    model::Decimal hours = model::Decimal::from_int((window.end - window.start).count() / 3600);
    std::size_t over = 0;
    model::Decimal most = hours;
    for (const model::CostRecord& r : records) {
      if (r.usage_quantity && *r.usage_quantity > hours) {
        ++over;
        most = std::max(most, *r.usage_quantity);
      }
    }
    if (over == 0) return;
    util::log().warn("hyperstack vms: {} VM(s) billed for more hours than {} to {} has (up to {} h of {} h): "
                     "Hyperstack may count the day end_date names, so these amounts may include the day after",
                     over, model::format_rfc3339(window.start), model::format_rfc3339(window.end), most.to_string(),
                     hours.to_string());
  }

  transport::HttpRequest get(const FetchRequest& req, const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& query) const {
    transport::HttpRequest http;
    http.url = transport::build_url(req.base_url, path, query);
    http.headers = {{"api_key", req.api_key}, {"Accept", "application/json"}};
    return http;
  }

  // Pages one after another until page >= pages; with pages 0 or missing, until total_count
  // items have come or a page is empty. A resource seen on an earlier page is not added again.
  std::vector<model::CostRecord> fetch_list(const FetchRequest& req, transport::Transport& transport,
                                            const ListKind& kind, const model::Period& window) const {
    const std::vector<std::pair<std::string, std::string>> dates = dates_of(window);
    const std::string path = std::string("/billing/billing/history/") + kind.path;
    Endpoint ep{"hyperstack", m_info.key_env, "GET " + path};
    std::string search = option_value(req.options, "search");
    std::vector<model::CostRecord> records;
    PagedItems items(ep, "resources");
    std::optional<long long> announced;
    walk_pages(ep, 1, k_max_pages, [&](int page) {
      std::vector<std::pair<std::string, std::string>> query = dates;
      if (!search.empty()) query.emplace_back("search", search);
      if (kind.paged) {
        query.emplace_back("per_page", std::to_string(k_per_page));
        query.emplace_back("page", std::to_string(page));
      }
      transport::HttpResponse response = transport.send(get(req, path, query));
      check_response(response, ep);
      if (!kind.paged && response.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        // The contracts list is documented with no response body (hyperstack.md 6): nothing
        // to read, which is not the same as no contracts. Said where the numbers are.
        model::CostRecord r;
        r.provider = "hyperstack";
        r.service = kind.command;
        r.period = window;
        r.currency = "USD";
        r.description = std::string(kind.command) + ": the list answered with no body, as its spec documents";
        r.attributes[model::k_no_price_reason_attribute] =
            std::string(kind.command) + " list answered with no body: its costs are not known";
        records.push_back(std::move(r));
        return false;
      }
      ListPage got = parse_list(response.body, kind.wrapper, kind.command, window, ep);
      bool empty = got.records.empty();
      std::size_t fresh = 0;
      for (model::CostRecord& r : got.records) {
        std::string identity = r.resource_id.empty() ? r.attributes.dump() : r.resource_id.str();
        if (!items.add(identity)) continue;  // seen on an earlier page: kept once
        ++fresh;
        records.push_back(std::move(r));
      }
      if (kind.paged) items.page_done(page, got.records.size(), fresh);
      if (got.total_count) announced = got.total_count;
      if (!kind.paged || empty) return false;
      if (got.pages) return page < *got.pages;
      if (got.total_count) return static_cast<long long>(records.size()) < *got.total_count;
      return true;  // no paging information: ask until an empty page
    });
    if (kind.paged) items.finish(announced);
    if (std::string(kind.command) == "vms") warn_hours_beyond(records, window);
    return records;
  }

  ProviderInfo m_info;
  std::vector<ResourceSpec> m_resources;
};

}  // namespace

std::unique_ptr<Provider> make_provider() { return std::make_unique<HyperstackProvider>(); }

}  // namespace gpubill::providers::hyperstack
