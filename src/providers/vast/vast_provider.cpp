// Vast.ai (docs/providers/vast.md, ../shared/docs/providers/vast.md): charges asked one
// calendar month at a time, so a contract running across months has a record in each, every
// amount in the month it belongs to; each window is followed page by page along next_token;
// instance charges joined to the instances listing for their GPU where the instance still
// exists (a destroyed one keeps its charges and no GPU name). Vast limits each endpoint to
// one call a second per identity [8]: one request at a time, and a 429 waits a whole second.
#include "providers/vast/vast_provider.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "gpubill/providers/api_call.hpp"
#include "gpubill/providers/paging.hpp"
#include "gpubill/providers/response_cache.hpp"
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "providers/vast/vast_api.hpp"

namespace gpubill::providers::vast {

namespace {

using nlohmann::json;

const std::vector<std::string> k_charge_types = {"instance", "volume", "serverless"};
const std::vector<std::string> k_payment_services = {
    "transfer", "stripe_payments", "bitpay", "coinbase", "crypto.com", "instance_prepay",
    "paypal_manual", "wise_manual"};
constexpr int k_page_size = 100;       // the SDK's cap; the docs allow 500 [11.5]
constexpr int k_listing_page_size = 25;  // the listing's maximum [6]
constexpr int k_max_pages = 10000;

// {"day": {"gte": S, "lte": E - 1}} as json.dumps writes it [1], lte inclusive [9.1].
std::string range_filter(const char* field, const model::Period& p, const std::string& extra) {
  return std::string("{\"") + field + "\": {\"gte\": " + std::to_string(model::to_unix(p.start)) +
         ", \"lte\": " + std::to_string(model::to_unix(p.end) - 1) + "}" + extra + "}";
}

// , "<field>": {"in": ["a", "b"]} for the values given, or nothing.
std::string in_filter(const char* field, const OptionValues& options, const char* flag) {
  auto it = options.find(flag);
  if (it == options.end() || it->second.empty()) return "";
  std::string list;
  for (const std::string& v : it->second) list += (list.empty() ? "" : ", ") + json(v).dump();
  return std::string(", \"") + field + "\": {\"in\": [" + list + "]}";
}

class VastProvider final : public Provider {
 public:
  VastProvider()
      : m_info{"vast", "Vast.ai: per-contract charges (instances, volumes), payments and credit",
               "VAST_API_KEY", "GPUBILL_VAST_URL", "https://console.vast.ai"},
        m_resources{
            {"charges",
             "Charges per contract (instance, volume) in each month of the period, one record "
             "per gpu, disk and bandwidth item",
             "gpubill vast charges --start 2026-10 -o csv",
             {{"type", "Only contracts of this type (repeatable)", true, k_charge_types, false,
               false, "TYPE", {}, "", service_is}}},
            {"invoices",
             "Payments in the period: credit purchases, transfers, payouts (money paid in, not "
             "costs)",
             "gpubill vast invoices --start 2026-06 --end 2026-12",
             {{"service", "Only payments through this service (repeatable)", true,
               k_payment_services, false, false, "NAME"}}},
            {"balance", "Credit now: credit (spendable), balance, balance_threshold",
             "gpubill vast balance", {}, ResourceKind::balance},
        } {
    m_info.max_in_flight = 1;           // one call a second per endpoint [8]
    m_info.retry_base_delay_ms = 1000;  // the threshold of charges, in seconds [8]
    m_info.rate_limit_window_ms = 1000;
    m_info.check_resource = "balance";  // GET /api/v0/users/current
    m_info.focus = focus_mapping();
    // One item (gpu, disk, bandwidth) of one contract.
    m_info.ledger_key_attributes = {"item"};
    m_info.error_message = &error_message;
  }

  const ProviderInfo& info() const override { return m_info; }
  const std::vector<ResourceSpec>& resources() const override { return m_resources; }

  std::vector<ReportPart> report_plan() const override {
    // Charges are everything Vast bills; invoices are payments, never costs.
    return {{"charges", {}}};
  }

  std::vector<std::string> caveats(const std::string& resource) const override {
    if (resource == "invoices") return {"vast: invoices are payments into the account, not costs"};
    return {};
  }

  std::vector<model::CostRecord> fetch(const FetchRequest& req,
                                       transport::Transport& transport) const override {
    if (req.resource == "invoices") return fetch_invoices(req, transport);
    if (req.resource != "charges") throw UsageError("vast: unknown resource '" + req.resource + "'");
    const std::string path = "/api/v0/charges/";
    Endpoint ep{"vast", m_info.key_env, "GET " + path};
    std::map<long long, InstanceGpu> gpus = instance_gpus(req, transport);
    std::string types = in_filter("type", req.options, "type");
    std::vector<model::CostRecord> records;
    for (const model::Period& window : month_windows(req.query.period)) {
      ChargesContext ctx{ep, window, &gpus};
      std::string filter = range_filter("day", window, types);
      std::vector<model::CostRecord> got = walk(ep, "charges", [&](const std::string& token) {
        std::vector<std::pair<std::string, std::string>> query = {
            {"select_filters", filter}, {"format", "table"}, {"latest_first", "false"},
            {"limit", std::to_string(k_page_size)}};
        if (!token.empty()) query.emplace_back("after_token", token);
        transport::HttpResponse response = transport.send(get(req, path, query));
        check_vast_response(response, ep);
        return parse_charges(response.body, ctx);
      });
      // A month still running is metered: its amounts will grow.
      if (window.end > req.query.now) {
        for (model::CostRecord& r : got) r.attributes[model::k_incomplete_attribute] = true;
      }
      records.insert(records.end(), std::make_move_iterator(got.begin()),
                     std::make_move_iterator(got.end()));
    }
    std::stable_sort(records.begin(), records.end(), [](const model::CostRecord& a, const model::CostRecord& b) {
      return a.period.start < b.period.start;
    });
    util::log().debug("{}: {} window(s), {} record(s), {} live instance(s) to join", ep.prefix(),
                      month_windows(req.query.period).size(), records.size(), gpus.size());
    return records;
  }

  model::Balance fetch_balance(const FetchRequest& req,
                               transport::Transport& transport) const override {
    const std::string path = "/api/v0/users/current";
    Endpoint ep{"vast", m_info.key_env, "GET " + path};
    transport::HttpResponse response = transport.send(get(req, path, {}));
    check_vast_response(response, ep);
    return parse_user(response.body, ep);
  }

 private:
  transport::HttpRequest get(const FetchRequest& req, const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& query) const {
    transport::HttpRequest http;
    http.url = transport::build_url(req.base_url, path, query);
    http.headers = {{"Authorization", "Bearer " + req.api_key}, {"Accept", "application/json"}};
    return http;
  }

  // Every page of one keyset-paged list: each result once (by its source or invoice id), the
  // announced total met, and a next_token never followed twice, so a cursor that repeats is
  // an error, never an endless walk or a doubled bill.
  std::vector<model::CostRecord> walk(const Endpoint& ep, const std::string& what,
                                      const std::function<Page(const std::string&)>& fetch_page) const {
    PagedItems seen(ep, what);
    std::set<std::string> tokens;
    std::vector<model::CostRecord> records;
    std::string token;
    std::optional<long long> total;
    walk_pages(ep, 1, k_max_pages, [&](int page_number) {
      Page page = fetch_page(token);
      std::size_t fresh = 0;
      for (const std::string& id : page.identities) fresh += seen.add(id) ? 1 : 0;
      seen.page_done(page_number, page.identities.size(), fresh);
      records.insert(records.end(), std::make_move_iterator(page.records.begin()),
                     std::make_move_iterator(page.records.end()));
      if (page.total) total = page.total;
      if (page.next_token.empty()) return false;
      if (!tokens.insert(page.next_token).second) {
        throw ProviderError(ep.prefix() + ": page " + std::to_string(page_number) +
                            " gives a next_token already followed: the cursor repeats, so the " +
                            what + " after it may be missing");
      }
      token = page.next_token;
      return true;
    });
    seen.finish(total);
    return records;
  }

  // id -> GPU of every live instance (the listing, 25 a page, once per run).
  std::map<long long, InstanceGpu> instance_gpus(const FetchRequest& req,
                                                 transport::Transport& transport) const {
    const std::string path = "/api/v1/instances/";
    Endpoint ep{"vast", m_info.key_env, "GET " + path};
    std::map<long long, InstanceGpu> all;
    std::set<std::string> tokens;
    std::string token;
    walk_pages(ep, 1, k_max_pages, [&](int page_number) {
      transport::HttpResponse response =
          cached(req.cache.get(), "vast instances " + token, [&] {
            std::vector<std::pair<std::string, std::string>> query = {
                {"limit", std::to_string(k_listing_page_size)}};
            if (!token.empty()) query.emplace_back("after_token", token);
            return transport.send(get(req, path, query));
          });
      check_vast_response(response, ep);
      std::string next;
      std::map<long long, InstanceGpu> page = parse_instances(response.body, ep, next);
      all.insert(page.begin(), page.end());
      if (next.empty()) return false;
      if (!tokens.insert(next).second) {
        throw ProviderError(ep.prefix() + ": page " + std::to_string(page_number) +
                            " gives a next_token already followed: the cursor repeats");
      }
      token = next;
      return true;
    });
    return all;
  }

  std::vector<model::CostRecord> fetch_invoices(const FetchRequest& req,
                                                transport::Transport& transport) const {
    const std::string path = "/api/v1/invoices/";
    Endpoint ep{"vast", m_info.key_env, "GET " + path};
    std::string filter = range_filter("when", req.query.period, in_filter("service", req.options, "service"));
    std::vector<model::CostRecord> records = walk(ep, "payments", [&](const std::string& token) {
      std::vector<std::pair<std::string, std::string>> query = {
          {"select_filters", filter}, {"latest_first", "false"}, {"limit", std::to_string(k_page_size)}};
      if (!token.empty()) query.emplace_back("after_token", token);
      transport::HttpResponse response = transport.send(get(req, path, query));
      check_vast_response(response, ep);
      return parse_invoices(response.body, ep);
    });
    std::stable_sort(records.begin(), records.end(), [](const model::CostRecord& a, const model::CostRecord& b) {
      return a.period.start < b.period.start;
    });
    return records;
  }

  ProviderInfo m_info;
  std::vector<ResourceSpec> m_resources;
};

}  // namespace

std::unique_ptr<Provider> make_provider() { return std::make_unique<VastProvider>(); }

}  // namespace gpubill::providers::vast
