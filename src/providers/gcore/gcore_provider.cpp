// Gcore reports whole UTC days, at most 31 a request. A period is widened to whole days
// (start of its first day, start of the day after its last), cut at calendar months
// (providers::month_windows), and each window is POSTed with time_to exclusive and
// enable_last_day false; every row of a window carries that window as its period.
// Filters are checked against the documented tables before anything is sent.
#include "providers/gcore/gcore_provider.hpp"

#include <algorithm>
#include <set>

#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "providers/gcore/gcore_api.hpp"

namespace gpubill::providers::gcore {

namespace {

using nlohmann::json;

constexpr int k_max_in_flight = 4;

std::vector<OptionSpec> report_filters() {
  return {{"project", "Only this project id (repeatable)", true, {}},
          {"region", "Only this region id (repeatable)", true, {}},
          {"type", "Only this resource type (repeatable), e.g. ai_cluster", true,
           resource_types()},
          {"tag", "Only resources tagged KEY=VALUE (repeatable)", true, {}},
          {"tag-match", "With several --tag: any (OR, default) or all (AND)", false,
           {"any", "all"}},
          {"tag-strict", "Tags must match exactly, not as substrings", false, {}, true},
          {"filter", "TYPE:FIELD=V1,V2, e.g. instance:flavor=g1-standard-1-2", false, {}}};
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
    std::string rest = filter.substr(eq + 1);
    std::size_t start = 0;
    while (start <= rest.size()) {
      std::size_t comma = rest.find(',', start);
      std::string v = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!v.empty()) values.push_back(v);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
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
      : m_info{"gcore", "Gcore Cloud: cost report totals per feature and region (EUR)",
               "GCORE_API_KEY", "GPUBILL_GCORE_URL", "https://api.gcore.com"},
        m_resources{{"totals",
                     "Cost per billing feature and region, per window of at most 31 days",
                     "gpubill gcore totals --start 2026-09-01 --end 2026-11-01 --type ai_cluster -o csv",
                     report_filters()}} {}

  const ProviderInfo& info() const override { return m_info; }
  const std::vector<ResourceSpec>& resources() const override { return m_resources; }

  std::vector<model::CostRecord> fetch(const FetchRequest& req,
                                       transport::Transport& transport) const override {
    if (req.resource != "totals") throw UsageError("gcore: unknown resource '" + req.resource + "'");
    const std::string path = "/cloud/v1/cost_report/totals";
    Endpoint ep{"gcore", m_info.key_env, "POST " + path};
    json filters = filter_body(req.options);
    model::Period days = whole_days(req.query.period);
    if (days != req.query.period) {
      util::log().info("gcore: reports whole UTC days: asking for {} .. {}",
                       model::format_rfc3339(days.start), model::format_rfc3339(days.end));
    }
    std::vector<model::Period> windows = month_windows(days);

    std::function<TotalsPage(std::size_t)> fetch_window = [&](std::size_t i) {
      json body = {{"time_from", model::format_rfc3339(windows[i].start)},
                   {"time_to", model::format_rfc3339(windows[i].end)},
                   {"enable_last_day", false},
                   {"rounding", false},
                   {"response_format", "json"}};
      body.update(filters);
      transport::HttpRequest http;
      http.method = "POST";
      http.url = transport::build_url(req.base_url, path, {});
      http.headers = {{"Authorization", "APIKey " + req.api_key},
                      {"Content-Type", "application/json"},
                      {"Accept", "application/json"}};
      http.body = body.dump();
      transport::HttpResponse response = transport.send(http);
      check_response(response, ep);
      return parse_totals(response.body, windows[i], ep);
    };
    std::vector<TotalsPage> pages = parallel_map(
        windows.size(), static_cast<std::size_t>(std::clamp(req.parallel, 1, k_max_in_flight)),
        fetch_window);

    std::vector<model::CostRecord> records;
    std::set<std::string> statuses;
    for (TotalsPage& page : pages) {
      if (!page.price_status.empty() && page.price_status != "show") statuses.insert(page.price_status);
      std::move(page.records.begin(), page.records.end(), std::back_inserter(records));
    }
    for (const std::string& status : statuses) {
      util::log().warn("{}: Gcore answered price_status '{}': its prices may be hidden or "
                       "incomplete for this account", ep.prefix(), status);
    }
    return records;
  }

 private:
  ProviderInfo m_info;
  std::vector<ResourceSpec> m_resources;
};

}  // namespace

std::unique_ptr<Provider> make_provider() { return std::make_unique<GcoreProvider>(); }

}  // namespace gpubill::providers::gcore
