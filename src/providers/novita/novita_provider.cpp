// Novita answers at most 31 days a query and has no paging. A period is cut at calendar-month
// boundaries (providers::month_windows), each window sent as unix seconds with Novita's
// inclusive end (next boundary - 1 s), fetched with at most 4 requests in flight, and merged
// in time order. A bill that overlaps two windows can come back from both: it is kept once,
// and it belongs to the period that holds its startTime.
#include "providers/novita/novita_provider.hpp"

#include <algorithm>
#include <set>

#include "gpubill/providers/paging.hpp"
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "providers/novita/novita_api.hpp"

namespace gpubill::providers::novita {

namespace {

constexpr int k_max_in_flight = 4;  // LIST_BILL_TOO_FAST exists; stay polite
constexpr int k_statement_page_size = 12;
constexpr int k_max_statement_pages = 100;  // 1,200 months: far past any real answer

const std::vector<std::string> k_bill_categories = {
    "summary", "gpu", "serverless", "cloud_storage", "local_storage", "image", "bare_metal"};
const std::vector<std::string> k_usage_categories = {
    "summary",      "gpu",           "llm",      "serverless",
    "cloud_storage", "gen_api",      "cloud_sandbox", "llm_dedicated_endpoint",
    "web_search",   "bare_metal"};

class NovitaProvider final : public Provider {
 public:
  NovitaProvider()
      : m_info{"novita", "Novita: fixed-term (subscription) and usage-based bills",
               "NOVITA_API_KEY", "GPUBILL_NOVITA_URL", "https://api.novita.ai"},
        m_resources{
            {"bills",
             "Fixed-term (subscription) bills, one record per bill",
             "gpubill novita bills --start 2026-08-01 --end 2026-11-01 --category gpu -o json",
             {{"category",
               "Product type (the server's default is summary: one row per cycle)", false,
               k_bill_categories, false, false, "TYPE", {"type"}},
              {"product", "Product name (fuzzy match), e.g. \"H100\"", false, {}, false, false,
               "NAME"},
              {"owner-id", "Only this resource instance", false, {}, false, false, "ID",
               {"id"}}}},
            {"usage",
             "Usage-based (pay-as-you-go) bills per cycle, one record per bill line",
             "gpubill novita usage --cycle day --category gpu --start last-month -o csv",
             {{"cycle", "Bucket length (default day)", false, {"hour", "day", "week", "month"},
               false, false, "", {"bucket"}, "day"},
              {"category", "Product category (default gpu)", false, k_usage_categories, false,
               false, "TYPE", {"type"}, "gpu"},
              {"product", "Product name (fuzzy match)", false, {}, false, false, "NAME"},
              {"owner-id", "Only this resource instance", false, {}, false, false, "ID",
               {"id"}, "", resource_id_is}}},
            {"statements",
             "Monthly statements (invoices), one record per month, with status and invoice URL",
             "gpubill novita statements --start 2026-01 --end 2026-11 -o csv",
             {}},
            {"balance",
             "Account balance now: available, cash, credit limit, outstanding invoices",
             "gpubill novita balance -o json",
             {},
             ResourceKind::balance},
        } {
    m_info.check_resource = "balance";  // GET /openapi/v1/billing/balance/detail
    m_info.focus = focus_mapping();
    // A bill of one instance and product per cycle and trade.
    m_info.ledger_key_attributes = {"cycle", "tradeType"};
    m_info.error_message = &error_message;
  }

  const ProviderInfo& info() const override { return m_info; }
  const std::vector<ResourceSpec>& resources() const override { return m_resources; }

  std::vector<ReportPart> report_plan() const override {
    // Every product category of both lists, never `summary` (it repeats the others).
    std::vector<ReportPart> parts;
    for (const std::string& c : k_bill_categories) {
      if (c != "summary") parts.push_back({"bills", {{"category", {c}}}});
    }
    for (const std::string& c : k_usage_categories) {
      if (c != "summary") parts.push_back({"usage", {{"category", {c}}, {"cycle", {"day"}}}});
    }
    return parts;
  }

  std::optional<ReportPart> report_total() const override {
    // The monthly statements: Novita's own bill per billing month.
    return ReportPart{"statements", {}};
  }

  // A statement is comparable once issued: `pending` is the month still running, `voided`
  // is no bill. Its totalAmount is before vouchers, which the parts (payAmount, "cash
  // actually paid or due") never include, so the parts should add up to totalAmount less
  // voucherPayAmount (docs/providers/novita.md says why; the other reading only ever warns).
  std::vector<model::CostRecord> own_totals(std::vector<model::CostRecord> fetched) const override {
    std::vector<model::CostRecord> totals;
    for (model::CostRecord& r : fetched) {
      // A status that is not text says nothing about whether the month is issued: not compared.
      auto it = r.attributes.find("status");
      std::string status = it != r.attributes.end() && it->is_string() ? it->get<std::string>() : "";
      if (status.empty() || status == "pending" || status == "voided" || !r.amount) continue;
      auto voucher = r.attributes.find("gpubill_voucher_paid");
      if (voucher != r.attributes.end() && voucher->is_string()) {
        std::optional<model::Decimal> v = model::Decimal::parse(voucher->get<std::string>());
        if (v) r.amount = *r.amount - *v;
      }
      totals.push_back(std::move(r));
    }
    return totals;
  }

  // Fixed-term bills are filed under their `cycle` (a subscription from the 15th to the 14th
  // is in the month it starts); statements under their billingMonth; usage lines under the
  // month they lie in.
  std::optional<std::string> billing_month(const model::CostRecord& r) const override {
    for (const char* key : {"cycle", "billingMonth"}) {
      auto it = r.attributes.find(key);
      if (it != r.attributes.end() && it->is_string() && it->get<std::string>().size() == 7) {
        return it->get<std::string>();
      }
    }
    std::string month = model::format_date(r.period.start).substr(0, 7);
    if (model::add_months(*model::parse_provider_time(month + "-01"), 1) < r.period.end) return std::nullopt;
    return month;
  }


  std::vector<model::CostRecord> fetch(const FetchRequest& req,
                                       transport::Transport& transport) const override {
    if (req.resource == "statements") return fetch_statements(req, transport);
    BillList list = BillList::fixed_term;
    std::string path;
    std::vector<std::pair<std::string, std::string>> fixed;
    if (req.resource == "bills") {
      path = "/openapi/v1/billing/bill/monthly/list";
      std::string category = option_value(req.options, "category", "");
      if (!category.empty()) fixed.emplace_back("category", category);
    } else if (req.resource == "usage") {
      list = BillList::usage;
      path = "/openapi/v1/billing/bill/list";
      std::string cycle = option_value(req.options, "cycle", "day");
      cycle[0] = static_cast<char>(cycle[0] - 'a' + 'A');  // Hour, Day, Week, Month
      fixed.emplace_back("cycleType", cycle);
      fixed.emplace_back("productCategory", option_value(req.options, "category", "gpu"));
    } else {
      throw UsageError("novita: unknown resource '" + req.resource + "'");
    }
    std::string product = option_value(req.options, "product", "");
    if (!product.empty()) fixed.emplace_back("productName", product);
    std::string owner = option_value(req.options, "owner-id", "");
    if (!owner.empty()) fixed.emplace_back("ownerId", owner);

    Endpoint ep{"novita", m_info.key_env, "GET " + path};
    std::vector<model::Period> windows = month_windows(req.query.period);
    std::function<std::vector<model::CostRecord>(std::size_t)> fetch_window =
        [&](std::size_t i) {
          std::vector<std::pair<std::string, std::string>> query = fixed;
          query.emplace_back("startTime", std::to_string(model::to_unix(windows[i].start)));
          query.emplace_back("endTime", std::to_string(model::to_unix(windows[i].end) - 1));
          transport::HttpResponse response = transport.send(get(req, path, query));
          check_response(response, ep);
          return parse_bills(response.body, {list, ep});
        };
    std::size_t in_flight =
        static_cast<std::size_t>(std::clamp(req.parallel, 1, k_max_in_flight));
    std::vector<std::vector<model::CostRecord>> per_window =
        parallel_map(windows.size(), in_flight, fetch_window);

    // Merge in window order; a bill already seen in an earlier window is the same bill.
    std::vector<model::CostRecord> records;
    std::set<std::string> seen;
    std::size_t repeated = 0;
    for (std::vector<model::CostRecord>& window : per_window) {
      std::set<std::string> here;
      for (model::CostRecord& r : window) {
        std::string identity = r.service + '\n' + r.attributes.dump();
        if (seen.count(identity) > 0) {
          ++repeated;
          continue;
        }
        here.insert(identity);
        records.push_back(std::move(r));
      }
      seen.insert(here.begin(), here.end());
    }
    // A bill belongs to the period holding its startTime: a subscription from Sep 15 to Oct 14
    // is September's, so consecutive monthly runs never count it twice.
    std::size_t earlier = records.size();
    records.erase(std::remove_if(records.begin(), records.end(),
                                 [&](const model::CostRecord& r) {
                                   return !req.query.period.contains(r.period.start);
                                 }),
                  records.end());
    earlier -= records.size();
    model::sort_by_period_start(records);
    std::size_t summaries = drop_summary_when_mixed(records);
    util::log().debug("{}: {} window(s), {} bill(s), {} repeated across windows, {} starting "
                      "before the period, {} summary row(s) left out beside per-product rows",
                      ep.prefix(), windows.size(), records.size(), repeated, earlier, summaries);
    // Usage is metered: today's cycle is still growing. Fixed-term bills are paid for their
    // whole term up front, so a subscription running past now is not "so far".
    if (list == BillList::usage) model::mark_incomplete(records, req.query.now);
    return records;
  }

  model::Balance fetch_balance(const FetchRequest& req,
                               transport::Transport& transport) const override {
    const std::string path = "/openapi/v1/billing/balance/detail";
    Endpoint ep{"novita", m_info.key_env, "GET " + path};
    transport::HttpResponse response = transport.send(get(req, path, {}));
    check_response(response, ep);
    return parse_balance(response.body, ep);
  }

 private:
  transport::HttpRequest get(const FetchRequest& req, const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& query) const {
    transport::HttpRequest http;
    http.url = transport::build_url(req.base_url, path, query);
    http.headers = {{"Authorization", "Bearer " + req.api_key},
                    {"Content-Type", "application/json"},
                    {"Accept", "application/json"}};
    return http;
  }

  // Statements are paged with no total, and a page may hold more or fewer rows than pageSize
  // (novita.md 2.4). They run month by month from startMonth, so the walk ends at the first
  // page holding the current month (none can come after it) or an empty page; a page that
  // brings no statement not seen before, while months up to now are still missing, is a
  // server ignoring `page`: an error, never a silently short list. The months that overlap
  // the period are kept, each once.
  std::vector<model::CostRecord> fetch_statements(const FetchRequest& req,
                                                  transport::Transport& transport) const {
    const std::string path = "/openapi/v1/billing/monthly/bill";
    Endpoint ep{"novita", m_info.key_env, "GET " + path};
    std::string start_month = model::format_date(req.query.period.start).substr(0, 7);
    std::vector<model::CostRecord> records;
    std::set<std::string> all_seen;
    model::Timestamp latest{};
    walk_pages(ep, 1, k_max_statement_pages, [&](int page) {
      transport::HttpResponse response = transport.send(
          get(req, path, {{"startMonth", start_month}, {"page", std::to_string(page)},
                          {"pageSize", std::to_string(k_statement_page_size)}}));
      check_response(response, ep);
      std::vector<model::CostRecord> rows = parse_statements(response.body, ep);
      std::size_t fresh = 0;
      bool reached_now = false;
      for (model::CostRecord& r : rows) {
        std::string identity = r.resource_id + '\n' + model::format_rfc3339(r.period.start);
        latest = std::max(latest, r.period.start);
        reached_now = reached_now || r.period.end > req.query.now;
        if (!all_seen.insert(identity).second) continue;
        ++fresh;
        bool overlaps = r.period.start < req.query.period.end && req.query.period.start < r.period.end;
        if (overlaps) records.push_back(std::move(r));
      }
      if (rows.empty() || reached_now) return false;
      if (fresh == 0) {
        throw ProviderError(ep.prefix() + ": page " + std::to_string(page) +
                            " repeats statements already read (the server ignores 'page'?): the "
                            "months after " + model::format_date(latest).substr(0, 7) +
                            " may be missing");
      }
      return true;
    });
    model::sort_by_period_start(records);
    return records;
  }

  ProviderInfo m_info;
  std::vector<ResourceSpec> m_resources;
};

}  // namespace

std::unique_ptr<Provider> make_provider() { return std::make_unique<NovitaProvider>(); }

}  // namespace gpubill::providers::novita
