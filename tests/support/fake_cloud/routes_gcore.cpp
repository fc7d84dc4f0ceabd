// Gcore cost-report totals in the fake cloud, as ../shared/docs/providers/gcore.md describes
// them: Authorization "APIKey <key>" (Bearer gets 401 "Given token not valid for any token
// type"), a strict body (unknown keys are a 400 ValidationError with invalid_fields), whole
// UTC days with time_to exclusive, at most 31 days, rounding to 5 decimals unless
// "rounding": false, and the {exception_class, message, request_id} error envelope.
//
// Data: per day from 2026-06-01 to 2026-12-01, an 8x H100 bare-metal cluster, an L40S virtual
// cluster, a VM, a volume, egress traffic and a floating IP in region 76 (EUR), one cluster in
// region 38 billed in USD, an image with no price (cost null) and a snapshot with err set and a
// cost (gcore.md 1.3: `err` is "Error message for this row"; nothing says it cancels `cost`,
// so it counts). Costs are integers of 1e-9 of the currency, so sums are exact. Fault
// `hide-zero`: price_status "hide" with every cost 0, prices hidden for the UI (gcore.md 1.3).
// Fault `late-charges`: the same data a day later, when the last day before the fake's clock
// (2026-11-22) has had usage land late ("updates land generally within 24 h", gcore.md
// "Data lag"): every line costs k_late_charge (1e-9 units) more that day. The ledger's
// restatement tests sync before and after it.
#include <algorithm>
#include <cctype>
#include <map>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "support/fake_cloud/fake_cloud_state.hpp"

namespace gpubill::test {

namespace {

using nlohmann::json;

struct Line {
  const char* type;
  const char* feature;
  const char* unit;
  const char* extra_key;    // flavor / volume_type / instance_type, or nullptr
  const char* extra_value;
  int region;
  const char* currency;     // nullptr: cost null
  long long daily_value;    // billing_value per day, in `unit`
  long long daily_cost;     // 1e-9 of the currency, before the daily jitter
  const char* err;          // nullptr: none
};

const Line k_lines[] = {
    {"ai_cluster", "AI Infrastructure: bm3-ai-1xlarge-h100-80-8 Luxembourg-2 - PAYG", "minutes",
     "flavor", "bm3-ai-1xlarge-h100-80-8", 76, "EUR", 1440, 537'600'000'000, nullptr},
    {"ai_virtual_cluster", "AI Virtual: g3-ai-32-192-1500-l40s-48-1 Luxembourg-2 - PAYG",
     "minutes", "flavor", "g3-ai-32-192-1500-l40s-48-1", 76, "EUR", 1440, 31'200'000'000, nullptr},
    {"instance", "Instance Type: g1-standard-1-2 Luxembourg-2 - PAYG", "minutes", "flavor",
     "g1-standard-1-2", 76, "EUR", 1440, 312'345'678, nullptr},
    {"volume", "Block Storage (High IOPS SSD) - Gb Luxembourg-2 - PAYG", "gbminutes",
     "volume_type", "ssd_hiiops", 76, "EUR", 1'440'000, 2'376'000'001, nullptr},
    {"egress_traffic", "Egress traffic Luxembourg-2 - PAYG", "bytes", "instance_type", "vm", 76,
     "EUR", 1'753'778'312, 1, nullptr},
    {"floatingip", "Floating IP Luxembourg-2 - PAYG", "minutes", nullptr, nullptr, 76, "EUR",
     1440, 96'000'000, nullptr},
    {"ai_cluster", "AI Infrastructure: bm3-ai-1xlarge-h100-80-8 Manassas - PAYG", "minutes",
     "flavor", "bm3-ai-1xlarge-h100-80-8", 38, "USD", 1440, 601'920'000'000, nullptr},
    {"image", "Images Luxembourg-2 - PAYG", "gbminutes", nullptr, nullptr, 76, nullptr, 14'400,
     0, nullptr},
    {"snapshot", "Snapshots Luxembourg-2 - PAYG", "gbminutes", "volume_type", "standard", 76,
     "EUR", 72'000, 1'000'000, "tariff not found for snap_t_standard_gbm"},
};

constexpr long long k_day = 86'400;
long long first_day() { return model::to_unix(model::Timestamp{date::sys_days{date::year{2026} / 6 / 1}}); }
long long last_day() { return model::to_unix(model::Timestamp{date::sys_days{date::year{2026} / 12 / 1}}); }

Units daily_cost(const Line& l, std::size_t index, long long day) {
  // A little jitter so days differ, deterministic.
  return l.daily_cost + static_cast<Units>(mix(static_cast<std::uint64_t>(day) * 16 + index) % 1000);
}

struct Sum {
  Units cost = 0;
  Units value = 0;
};

// Sums per line over the days of [from, to).
std::vector<Sum> sums(long long from, long long to) {
  std::vector<Sum> out(std::size(k_lines));
  for (long long d = std::max(from, first_day()); d < std::min(to, last_day()); d += k_day) {
    for (std::size_t i = 0; i < std::size(k_lines); ++i) {
      out[i].cost += daily_cost(k_lines[i], i, d);
      out[i].value += k_lines[i].daily_value;
    }
  }
  return out;
}

void error(httplib::Response& res, int status, const std::string& cls, const std::string& message,
           const json& invalid = nullptr) {
  json body = {{"exception_class", cls}, {"message", message},
               {"request_id", "fake" + std::to_string(mix(static_cast<std::uint64_t>(status)) % 100000000)}};
  if (!invalid.is_null()) body["invalid_fields"] = invalid;
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// Auth, JSON and the strict key set shared by the three endpoints. Returns the body, or null
// after answering with the error.
json checked_body(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state,
                  const std::vector<std::string>& allowed,
                  const std::vector<std::string>& required) {
  std::string auth = req.get_header_value("Authorization");
  std::string scheme = auth.substr(0, auth.find(' '));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "apikey") {
    error(res, 401, "token_not_valid", "Given token not valid for any token type");
    return nullptr;
  }
  if (auth.substr(auth.find(' ') + 1) != state.options.gcore_key) {
    error(res, 401, "token_not_valid", "Token is invalid or expired");
    return nullptr;
  }
  if (std::string(req.matches[1]) == "500") {
    error(res, 500, "InternalServerError", "internal server error");
    return nullptr;
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    error(res, 400, "ValidationError", "Validation Error: body is not a JSON object");
    return nullptr;
  }
  json invalid = json::object();
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      invalid[key] = {"Extra inputs are not permitted"};
    }
  }
  for (const std::string& key : required) {
    if (!body.contains(key)) invalid[key] = {"Field required"};
  }
  if (!invalid.empty()) {
    error(res, 400, "ValidationError", "Validation Error", invalid);
    return nullptr;
  }
  return body;
}

// Whole days [f, t) from time_from/time_to; false after answering 400.
bool days_of(const json& body, httplib::Response& res, long long& f, long long& t) {
  std::optional<model::Timestamp> from = model::parse_provider_time(body["time_from"].get<std::string>());
  std::optional<model::Timestamp> to = model::parse_provider_time(body["time_to"].get<std::string>());
  if (!from || !to) {
    error(res, 400, "ValidationError", "Validation Error: bad date-time");
    return false;
  }
  f = model::to_unix(model::start_of_day(*from));
  t = model::to_unix(model::start_of_day(*to));
  if (body.value("enable_last_day", false)) t += k_day;
  if (t <= f || t - f > 31 * k_day) {
    error(res, 400, "ValidationError", "Validation Error: the period must be 1 to 31 days");
    return false;
  }
  return true;
}

bool selected(const json& body, const Line& l) {
  std::vector<std::string> types = body.value("types", std::vector<std::string>{});
  std::vector<int> regions = body.value("regions", std::vector<int>{});
  return (types.empty() || std::find(types.begin(), types.end(), l.type) != types.end()) &&
         (regions.empty() || std::find(regions.begin(), regions.end(), l.region) != regions.end());
}

std::string row_json(const Line& l, Units value, Units cost, bool rounding, const std::string& extra) {
  if (rounding) cost = (cost + 5000) / 10000 * 10000;  // 5 decimals, as Gcore's default
  return "{\"type\": \"" + std::string(l.type) + "\", \"billing_metric_name\": \"" + l.type +
         "_metric\", \"billing_feature_name\": " + json(l.feature).dump() +
         ", \"billing_value\": " + units_text(value, 0) + ", \"billing_value_unit\": \"" + l.unit +
         "\", \"cost\": " + (l.currency ? units_text(cost, 9) : "null") + ", \"currency\": " +
         (l.currency ? "\"" + std::string(l.currency) + "\"" : "null") + ", \"err\": " +
         (l.err ? json(l.err).dump() : "null") +
         (l.extra_key ? ", \"" + std::string(l.extra_key) + "\": \"" + l.extra_value + "\"" : "") +
         ", \"region\": " + std::to_string(l.region) + ", \"region_id\": " +
         std::to_string(l.region) + extra + "}";
}

void respond(httplib::Response& res, const std::string& price_status, long long count,
             const std::vector<std::string>& rows) {
  std::string text;
  for (const std::string& r : rows) text += (text.empty() ? "\n  " : ",\n  ") + r;
  res.status = 200;
  res.set_content("{\"count\": " + std::to_string(count) + ", \"price_status\": \"" +
                      price_status + "\", \"results\": [" + text + "]}",
                  "application/json");
}

const std::vector<std::string> k_totals_keys = {
    "time_from", "time_to", "enable_last_day", "projects", "regions", "response_format",
    "rounding", "schema_filter", "tags", "types"};

// 2026-11-22, the day before the fake's clock, and what late usage adds to each line's cost.
long long late_day() { return model::to_unix(model::Timestamp{date::sys_days{date::year{2026} / 11 / 22}}); }
constexpr Units k_late_charge = 1'250'000'000;  // 1.25 of the currency

std::vector<std::string> totals_rows(const json& body, long long f, long long t,
                                     bool zero_costs = false, bool late_charges = false) {
  std::vector<Sum> s = sums(f, t);
  std::vector<std::string> rows;
  for (std::size_t i = 0; i < std::size(k_lines); ++i) {
    if (!selected(body, k_lines[i]) || s[i].value == 0) continue;
    Units cost = zero_costs ? 0 : s[i].cost;
    if (late_charges && k_lines[i].currency && f <= late_day() && late_day() < t) cost += k_late_charge;
    rows.push_back(row_json(k_lines[i], s[i].value, cost, body.value("rounding", true), ""));
  }
  return rows;
}

void handle_totals(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  json body = checked_body(req, res, state, k_totals_keys, {"time_from", "time_to"});
  long long f = 0;
  long long t = 0;
  if (body.is_null() || !days_of(body, res, f, t)) return;
  std::string fault = req.matches[1];
  std::vector<std::string> rows = totals_rows(body, f, t, fault == "hide-zero",
                                              fault == "late-charges");
  respond(res, fault == "hide" || fault == "hide-zero" ? "hide" : "show",
          static_cast<long long>(rows.size()), rows);
}

// Three resources per line, resource k costing the line's daily cost + k (1e-9) a day. Pages
// hold at most 10 rows whatever `limit` asks: gpubill must advance by what arrives.
constexpr int k_resources_per_line = 3;

void handle_resources(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  std::vector<std::string> keys = k_totals_keys;
  keys.insert(keys.end(), {"limit", "offset", "order_by"});
  json body = checked_body(req, res, state, keys, {"time_from", "time_to"});
  long long f = 0;
  long long t = 0;
  if (body.is_null() || !days_of(body, res, f, t)) return;
  std::vector<Sum> s = sums(f, t);
  long long days = (std::min(t, last_day()) - std::max(f, first_day())) / k_day;
  std::vector<std::string> all;
  for (std::size_t i = 0; i < std::size(k_lines); ++i) {
    if (!selected(body, k_lines[i]) || s[i].value == 0) continue;
    for (int k = 0; k < k_resources_per_line; ++k) {
      std::string extra = ", \"uuid\": \"res-" + std::to_string(i) + "-" + std::to_string(k) +
                          "\", \"last_name\": \"" + k_lines[i].type + "-" + std::to_string(k) +
                          "\", \"project_id\": 16, \"first_seen\": \"" +
                          model::format_rfc3339(model::from_unix(f)) + "\", \"last_seen\": \"" +
                          model::format_rfc3339(model::from_unix(t - 60)) + "\", \"tags\": [{\"team\": \"ml\"}]";
      all.push_back(row_json(k_lines[i], s[i].value, s[i].cost + k * days,
                             body.value("rounding", true), extra));
    }
  }
  long long offset = body.value("offset", 0LL);
  long long limit = std::min(body.value("limit", 10LL), 10LL);
  std::vector<std::string> page;
  for (long long r = offset; r < offset + limit && r < static_cast<long long>(all.size()); ++r) {
    page.push_back(all[static_cast<std::size_t>(r)]);
  }
  respond(res, "show", static_cast<long long>(all.size()), page);
}

void handle_reservations(const httplib::Request& req, httplib::Response& res,
                         FakeCloud::State& state) {
  state.record(req);
  json body = checked_body(req, res, state,
                           {"year_month", "time_from", "time_to", "regions", "response_format",
                            "rounding", "schema_filter", "tags", "types"},
                           {"year_month"});
  if (body.is_null()) return;
  std::string ym = body["year_month"].get<std::string>();
  std::optional<model::Timestamp> first = model::parse_provider_time(ym + "-01");
  if (ym.size() != 7 || !first) {
    return error(res, 400, "ValidationError", "Validation Error: year_month must be YYYY-MM");
  }
  std::vector<std::string> rows =
      totals_rows(body, model::to_unix(*first), model::to_unix(model::add_months(*first, 1)));
  respond(res, "show", static_cast<long long>(rows.size()), rows);
}

}  // namespace

std::map<std::string, std::string> gcore_resources_truth(long long start, long long end_exclusive) {
  std::vector<Sum> s = sums(start, end_exclusive);
  long long days = (std::min(end_exclusive, last_day()) - std::max(start, first_day())) / k_day;
  std::map<std::string, Units> by_currency;
  for (std::size_t i = 0; i < std::size(k_lines); ++i) {
    if (k_lines[i].currency == nullptr || s[i].value == 0) continue;
    for (int k = 0; k < k_resources_per_line; ++k) by_currency[k_lines[i].currency] += s[i].cost + k * days;
  }
  std::map<std::string, std::string> out;
  for (const auto& [currency, units] : by_currency) out[currency] = units_text(units, 9);
  return out;
}

std::map<std::string, std::string> gcore_totals_truth(long long start, long long end_exclusive) {
  std::vector<Sum> s = sums(start, end_exclusive);
  std::map<std::string, Units> by_currency;
  for (std::size_t i = 0; i < std::size(k_lines); ++i) {
    if (k_lines[i].currency == nullptr || s[i].value == 0) continue;
    by_currency[k_lines[i].currency] += s[i].cost;
  }
  std::map<std::string, std::string> out;
  for (const auto& [currency, units] : by_currency) out[currency] = units_text(units, 9);
  return out;
}

void add_gcore_routes(httplib::Server& server, FakeCloud::State& state) {
  state.keys["gcore"] = state.options.gcore_key;
  state.roots["GPUBILL_GCORE_URL"] = {"/gcore", ""};
  server.Post(R"((?:http://[^/]+)?/gcore(?:/fault/([a-z0-9-]+))?/cloud/v1/cost_report/totals)",
              [&state](const httplib::Request& req, httplib::Response& res) {
                handle_totals(req, res, state);
              });
  server.Post(R"((?:http://[^/]+)?/gcore(?:/fault/([a-z0-9-]+))?/cloud/v1/cost_report/resources)",
              [&state](const httplib::Request& req, httplib::Response& res) {
                handle_resources(req, res, state);
              });
  server.Post(R"((?:http://[^/]+)?/gcore(?:/fault/([a-z0-9-]+))?/cloud/v1/reservation_cost_report/totals)",
              [&state](const httplib::Request& req, httplib::Response& res) {
                handle_reservations(req, res, state);
              });
}

}  // namespace gpubill::test
