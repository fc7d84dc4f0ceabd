// Gcore reports whole UTC days, at most 31 a request. A period is widened to whole days
// (start of its first day, start of the day after its last), cut at calendar months
// (providers::month_windows), and each window is POSTed with time_to exclusive and
// enable_last_day false; every row of a window carries that window as its period.
// Filters are checked against the documented tables before anything is sent.
#include "providers/gcore/gcore_provider.hpp"

#include <algorithm>
#include <set>

#include "gpubill/providers/paging.hpp"
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/text.hpp"
#include "gpubill/util/log.hpp"
#include "providers/gcore/gcore_api.hpp"

namespace gpubill::providers::gcore {

namespace {

using nlohmann::json;

constexpr int k_max_in_flight = 4;
constexpr int k_resources_page_size = 100;  // the API's default is 10; no maximum is documented
constexpr int k_max_resource_pages = 1000;

const std::vector<std::string> k_order_fields = {"billing_value", "first_seen", "last_name",
                                                 "last_seen", "project", "region", "type"};

std::vector<OptionSpec> report_filters() {
  return {{"project", "Only this project id (repeatable)", true, {}, false, false, "ID"},
          // A report row names its region id and its type (gcore.md 1.3), so these two only
          // select rows; a row names no project.
          {"region", "Only this region id (repeatable)", true, {}, false, false, "ID", {}, "", region_is},
          {"type", "Only this resource type (repeatable), e.g. ai_cluster", true,
           resource_types(), false, false, "TYPE", {}, "", service_is},
          {"tag", "Only resources tagged KEY=VALUE (repeatable)", true, {}, false, false,
           "KEY=VALUE"},
          {"tag-match", "With several --tag: any (OR, default) or all (AND)", false,
           {"any", "all"}},
          {"tag-strict", "Tags must match exactly, not as substrings", false, {}, true},
          {"filter", "Only resources whose FIELD is one of the values, e.g. "
                     "instance:flavor=g1-standard-1-2",
           false, {}, false, false, "TYPE:FIELD=V1,V2"}};
}

std::vector<OptionSpec> resources_options() {
  std::vector<OptionSpec> options = report_filters();
  options.push_back({"order-by",
                     "Sort as FIELD.asc|desc (repeatable): billing_value, first_seen, last_name, "
                     "last_seen, project, region, type",
                     true, {}, false, false, "FIELD.DIR"});
  return options;
}

std::vector<OptionSpec> reservations_options() {
  std::vector<OptionSpec> options = {
      {"month", "The month YYYY-MM (default: the month --start falls in)", false, {}, false, false,
       "YYYY-MM"}};
  for (const OptionSpec& o : report_filters()) {
    if (o.flag != "project") options.push_back(o);  // the endpoint has no projects filter
  }
  return options;
}

std::vector<std::string> all_of(const OptionValues& options, const std::string& flag) {
  auto it = options.find(flag);
  return it == options.end() ? std::vector<std::string>{} : it->second;
}

json ids(const OptionValues& options, const std::string& flag) {
  json out = json::array();
  for (const std::string& v : all_of(options, flag)) {
    if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), ::isdigit)) {
      throw UsageError("--" + flag + ": '" + v + "' is not a numeric id");
    }
    out.push_back(std::stoll(v));
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The filters every report body shares, validated: a mistake is a usage error before any
// request, never a 400 from Gcore half-way through a period.
json filter_body(const OptionValues& options) {
  json body = json::object();
  json projects = ids(options, "project");
  if (!projects.empty()) body["projects"] = projects;
  json regions = ids(options, "region");
  if (!regions.empty()) body["regions"] = regions;
  std::vector<std::string> types = all_of(options, "type");
  if (!types.empty()) body["types"] = types;

  std::vector<std::string> tags = all_of(options, "tag");
  if (tags.size() > 10) {
    throw UsageError("--tag: at most 10 (the API takes 10 tag conditions), got " +
                     std::to_string(tags.size()));
  }
  if (!tags.empty()) {
    bool strict = option_value(options, "tag-strict") == "true";
    json conditions = json::array();
    for (const std::string& t : tags) {
      std::size_t eq = t.find('=');
      std::string key = eq == std::string::npos ? "" : t.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : t.substr(eq + 1);
      if (eq == std::string::npos || key.size() < 3 || key.size() > 128 || value.size() < 3 ||
          value.size() > 256) {
        throw UsageError("--tag '" + t + "': use KEY=VALUE with a key of 3-128 and a value of "
                         "3-256 characters");
      }
      conditions.push_back({{"key", key}, {"value", value}, {"strict", strict}});
    }
    body["tags"] = {{"conditions", conditions},
                    {"condition_type", option_value(options, "tag-match", "any") == "all" ? "AND" : "OR"}};
  } else if (options.count("tag-match") || options.count("tag-strict")) {
    throw UsageError("--tag-match and --tag-strict need at least one --tag KEY=VALUE");
  }

  std::string filter = option_value(options, "filter");
  if (!filter.empty()) {
    std::size_t colon = filter.find(':');
    std::size_t eq = filter.find('=');
    if (colon == std::string::npos || eq == std::string::npos || eq < colon) {
      throw UsageError("--filter '" + filter + "': use TYPE:FIELD=V1,V2");
    }
    std::string type = filter.substr(0, colon);
    std::string field = filter.substr(colon + 1, eq - colon - 1);
    std::vector<std::string> fields = filter_fields(type);
    if (fields.empty()) {
      throw UsageError("--filter: unknown type '" + type + "': use one of " + join(resource_types()));
    }
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      throw UsageError("--filter: " + type + " has no field '" + field + "': use one of " + join(fields));
    }
    json values = json::array();
    for (const std::string& v : util::split_list(filter.substr(eq + 1))) values.push_back(v);
    if (values.empty()) throw UsageError("--filter '" + filter + "': no values after '='");
    body["schema_filter"] = {{"type", type}, {"field", field}, {"values", values}};
  }
  return body;
}

// [first day, day after the last) in UTC.
model::Period whole_days(const model::Period& p) {
  model::Timestamp end = model::start_of_day(p.end);
  if (end < p.end) end += std::chrono::days{1};
  return {model::start_of_day(p.start), end};
}

class GcoreProvider final : public Provider {
 public:
  GcoreProvider()
      : m_info{"gcore", "Gcore Cloud: cost reports per feature, region and resource (EUR)",
               "GCORE_API_KEY", "GPUBILL_GCORE_URL", "https://api.gcore.com"},
        m_resources{
            {"totals", "Cost per billing feature and region, per window of at most 31 days",
             "gpubill gcore totals --start 2026-09-01 --end 2026-11-01 --type ai_cluster -o csv",
             report_filters()},
            {"resources", "Cost per resource (uuid), per window of at most 31 days",
             "gpubill gcore resources --type ai_cluster --order-by billing_value.desc -o csv",
             resources_options()},
            {"reservations",
             "One month's totals with commit and over-commit pricing (accounts with reservations)",
             "gpubill gcore reservations --month 2026-10 -o csv", reservations_options(),
             ResourceKind::cost_records, "one calendar month (--month, else the month --start is in)"}} {
    m_info.check_resource = "totals";  // one POST for a one-day window
    m_info.focus = focus_mapping();
    // A totals line is a feature and a metric in a region (docs/ledger.md, "Natural keys").
    m_info.ledger_key_attributes = {"billing_feature_name", "billing_metric_name"};
    m_info.error_message = &error_message;
  }

  const ProviderInfo& info() const override { return m_info; }
  const std::vector<ResourceSpec>& resources() const override { return m_resources; }

  std::vector<ReportPart> report_plan() const override {
    // The pay-as-you-go totals; reservations price the same usage differently.
    return {{"totals", {}}};
  }


  std::vector<std::string> caveats(const std::string& resource) const override {
    if (resource != "totals" && resource != "resources") return {};
    // gcore.md 1.7: the cost reports assume pure pay-as-you-go and "will not be accurate"
    // otherwise; its amounts are list prices, before tax and discounts.
    return {"gcore: pay-as-you-go list prices before tax and discounts; Gcore says these reports "
            "are not accurate for accounts with commits or prepaid plans (see gpubill gcore "
            "reservations)"};
  }

  std::vector<model::CostRecord> fetch(const FetchRequest& req,
                                       transport::Transport& transport) const override {
    json filters = filter_body(req.options);  // validated before any request
    std::vector<ReportPage> pages;
    if (req.resource == "reservations") {
      pages.push_back(fetch_reservations(req, transport, filters));
    } else if (req.resource == "totals" || req.resource == "resources") {
      pages = fetch_windows(req, transport, filters);
    } else {
      throw UsageError("gcore: unknown resource '" + req.resource + "'");
    }

    std::vector<model::CostRecord> records;
    std::set<std::string> statuses;
    for (ReportPage& page : pages) {
      if (!page.price_status.empty() && page.price_status != "show") statuses.insert(page.price_status);
      std::move(page.records.begin(), page.records.end(), std::back_inserter(records));
    }
    for (const std::string& status : statuses) {
      util::log().warn("gcore {}: Gcore answered price_status '{}': its prices may be hidden or "
                       "incomplete for this account", req.resource, status);
    }
    std::size_t errors = static_cast<std::size_t>(std::count_if(records.begin(), records.end(), [](const model::CostRecord& r) {
      auto it = r.attributes.find("err");
      return r.amount && it != r.attributes.end() && it->is_string() && !it->get<std::string>().empty();
    }));
    if (errors > 0) {
      util::log().warn("gcore {}: {} row(s) carry an error from Gcore ('err') with a cost: the "
                       "cost is counted as Gcore gave it; the error is in attributes.err",
                       req.resource, errors);
    }
    // Whole UTC days: today's window ends after now, and its usage is still coming in.
    model::mark_incomplete(records, req.query.now);
    return records;
  }

 private:
  ReportPage post(const FetchRequest& req, transport::Transport& transport, const Endpoint& ep,
                  const std::string& path, const json& body, const model::Period& window) const {
    transport::HttpRequest http;
    http.method = "POST";
    http.url = transport::build_url(req.base_url, path, {});
    http.headers = {{"Authorization", "APIKey " + req.api_key},
                    {"Content-Type", "application/json"},
                    {"Accept", "application/json"}};
    http.body = body.dump();
    transport::HttpResponse response = transport.send(http);
    check_response(response, ep);
    return parse_report(response.body, window, ep);
  }

  // totals and resources: whole-day windows of at most 31 days, in parallel; resources pages
  // through each window with limit/offset until `count` resources have come.
  std::vector<ReportPage> fetch_windows(const FetchRequest& req, transport::Transport& transport,
                                        const json& filters) const {
    bool per_resource = req.resource == "resources";
    const std::string path =
        per_resource ? "/cloud/v1/cost_report/resources" : "/cloud/v1/cost_report/totals";
    Endpoint ep{"gcore", m_info.key_env, "POST " + path};
    json order_by = json::array();
    for (const std::string& o : all_of(req.options, "order-by")) {
      std::size_t dot = o.rfind('.');
      std::string field = o.substr(0, dot == std::string::npos ? o.size() : dot);
      std::string dir = dot == std::string::npos ? "" : o.substr(dot + 1);
      if (std::find(k_order_fields.begin(), k_order_fields.end(), field) == k_order_fields.end() ||
          (dir != "asc" && dir != "desc")) {
        throw UsageError("--order-by '" + o + "': use FIELD.asc or FIELD.desc with FIELD one of " +
                         join(k_order_fields));
      }
      order_by.push_back(o);
    }

    model::Period days = whole_days(req.query.period);
    if (days != req.query.period) {
      util::log().info("gcore: reports whole UTC days: asking for {} .. {}",
                       model::format_rfc3339(days.start), model::format_rfc3339(days.end));
    }
    std::vector<model::Period> windows = month_windows(days);
    std::function<ReportPage(std::size_t)> fetch_window = [&](std::size_t i) {
      json body = {{"time_from", model::format_rfc3339(windows[i].start)},
                   {"time_to", model::format_rfc3339(windows[i].end)},
                   {"enable_last_day", false},
                   {"rounding", false},
                   {"response_format", "json"}};
      body.update(filters);
      if (!per_resource) return post(req, transport, ep, path, body, windows[i]);
      if (!order_by.empty()) body["order_by"] = order_by;
      ReportPage all;
      long long offset = 0;
      PagedItems items(ep, "resources");
      walk_pages(ep, 0, k_max_resource_pages, [&](int page_number) {
        body["limit"] = k_resources_page_size;
        body["offset"] = offset;
        ReportPage page = post(req, transport, ep, path, body, windows[i]);
        // Advance by what came, not by the limit: a server that caps pages lower loses nothing.
        offset += static_cast<long long>(page.records.size());
        std::size_t fresh = 0;
        for (model::CostRecord& r : page.records) {
          if (!items.add(r.attributes.dump())) continue;  // a row seen on an earlier page
          ++fresh;
          all.records.push_back(std::move(r));
        }
        items.page_done(page_number + 1, page.records.size(), fresh);
        bool more = !page.records.empty() && offset < page.count;
        if (all.price_status.empty() || page.price_status != "show") all.price_status = page.price_status;
        all.count = page.count;
        return more;
      });
      items.finish(all.count > 0 ? std::optional<long long>(all.count) : std::nullopt);  // 0: none announced
      return all;
    };
    return parallel_map(windows.size(),
                        static_cast<std::size_t>(std::clamp(req.parallel, 1, k_max_in_flight)),
                        fetch_window);
  }

  // reservations: one calendar month, named by year_month.
  ReportPage fetch_reservations(const FetchRequest& req, transport::Transport& transport,
                                const json& filters) const {
    const std::string path = "/cloud/v1/reservation_cost_report/totals";
    Endpoint ep{"gcore", m_info.key_env, "POST " + path};
    std::string month = option_value(req.options, "month",
                                     model::format_date(req.query.period.start).substr(0, 7));
    std::optional<model::Timestamp> first =
        month.size() == 7 ? model::parse_provider_time(month + "-01") : std::nullopt;
    if (!first) throw UsageError("--month '" + month + "': use YYYY-MM, e.g. 2026-10");
    json body = {{"year_month", month}, {"rounding", false}, {"response_format", "json"}};
    body.update(filters);
    return post(req, transport, ep, path, body, {*first, model::add_months(*first, 1)});
  }

  ProviderInfo m_info;
  std::vector<ResourceSpec> m_resources;
};

}  // namespace

std::unique_ptr<Provider> make_provider() { return std::make_unique<GcoreProvider>(); }

}  // namespace gpubill::providers::gcore
