// Vast.ai billing in the fake cloud, as ../shared/docs/providers/vast.md describes it (its
// sections in brackets):
//   GET /api/v0/charges/   [3]  per-contract charges for select_filters {"day": {"gte", "lte"}}
//                               (both required, lte inclusive [9.1]), optional "type": {"in":
//                               [...]}; envelope {success, count, total, next_token, results};
//                               each result an instance or volume contract with its own
//                               start/end, amount (USD, 3 decimals [3]) and items (gpu, disk,
//                               bwd, bwu) of the same shape; keyset paging by after_token [6].
//   GET /api/v1/invoices/  [4]  payments for select_filters {"when": {...}}: credit purchases
//                               negative, transfers positive; a missing range is HTTP 200 with
//                               success:false [8].
//   GET /api/v0/users/current [7] credit (spendable), balance, balance_threshold.
//   GET /api/v1/instances/ [7]  live instances: gpu_name, num_gpus; limit at most 25 [6].
// Both trailing-slash forms are served [1]. Auth: Authorization: Bearer <key> [1]; no header
// is 403 auth_error "This action requires login.", a key that matches no user 404 auth_error
// "Invalid user key" [8]. A bad after_token is 400 invalid_token [6]. 429 has no Retry-After
// and a JSON {detail} or a plain-text body [8].
//
// Whether a contract's amount is clipped to the day window is not documented [11.1]: this fake
// answers, for each contract overlapping the window, what it cost inside it (its active hours
// there times its rates, each item rounded to 3 decimals, the contract's amount their sum),
// which is the reading docs/providers/vast.md (gpubill's) takes. Charges stop at the fake's
// clock, 2026-11-23 12:00 UTC. Contract 23456789 (8x H100) was destroyed on 2026-10-20: it is
// in the charges, not in the instances listing [7 trap].
//
// Faults (/vast/fault/<name>/...): 429-plain, 429-detail, success-false (charges answer 200
// with success:false), page-size-2 (pages of 2 whatever limit says), repeat-cursor (every
// page's next_token is the first page's: a cursor that never ends), listing-500.
#include <algorithm>
#include <cstdio>
#include <map>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "support/fake_cloud/fake_cloud_state.hpp"

namespace gpubill::test {

namespace {

using nlohmann::json;

long long at(int y, unsigned m, unsigned d, int h = 0) {
  return model::to_unix(model::Timestamp{date::sys_days{date::year{y} / m / d}} +
                        std::chrono::hours{h});
}

const long long k_now = at(2026, 11, 23, 12);  // the fake's clock (FakeCloud::v2_now)

struct Item {
  const char* type;         // gpu, disk, bwd, bwu
  long long micro_per_hour; // 1e-6 USD per active hour
  const char* what;         // its description, before the hours (gpu) or as it is
};

struct Contract {
  long long id;
  const char* type;  // instance, volume
  long long start, end;
  bool live;          // in the instances listing
  const char* gpu_name;
  int num_gpus;
  const char* label;
  json metadata;
  std::vector<Item> items;  // empty: the amount alone (a volume)
  long long volume_micro_per_hour = 0;
};

const std::vector<Contract>& contracts() {
  static const std::vector<Contract> all = {
      {555, "volume", at(2026, 8, 15), at(2027, 2, 15), false, "", 0, "", json::object(), {}, 3000},
      {12345678, "instance", at(2026, 8, 1), at(2026, 12, 31), true, "RTX 4090", 2, "llm-train",
       {{"label", "llm-train"}, {"template_id", 101}},
       {{"gpu", 778000, "at $0.778/hour"}, {"disk", 14000, "Storage 50 GB"},
        {"bwd", 4875, "Download"}, {"bwu", 2080, "Upload"}}},
      {23456789, "instance", at(2026, 9, 10, 6), at(2026, 10, 20, 18), false, "H100 SXM", 8,
       "pretrain", {{"label", "pretrain"}},
       {{"gpu", 16800000, "at $16.800/hour"}, {"disk", 56000, "Storage 200 GB"},
        {"bwd", 37500, "Download"}}},
      {34567890, "instance", at(2026, 10, 5, 12), at(2027, 1, 5), true, "RTX A6000", 1, "notebook",
       {{"label", "notebook"}},
       {{"gpu", 450000, "at $0.450/hour"}, {"disk", 7000, "Storage 25 GB"}}},
      {45678901, "instance", at(2026, 10, 1), at(2026, 11, 10), true, "RTX 4090", 1, "",
       {{"endpoint_id", 77}, {"workergroup_id", 88}},
       {{"gpu", 390000, "at $0.390/hour"}, {"disk", 4000, "Storage 16 GB"}}},
  };
  return all;
}

// Half-up to whole 1e-3 USD.
long long milli_of_micro(long long micro) { return (micro + 500) / 1000; }

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto byte = [&](std::size_t i) { return i < in.size() ? static_cast<unsigned char>(in[i]) : 0u; };
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += i + 1 < in.size() ? k[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
  }
  return out;
}

std::string unbase64(const std::string& in) {
  static const std::string k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    std::size_t p = k.find(c);
    if (p == std::string::npos) return "";
    v = v << 6 | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

// The docs' token shape [6]: base64 of {"values": {"id": <last id>}, "os_page": 0}.
std::string token_after(long long id) {
  return base64(json{{"values", {{"id", id}}}, {"os_page", 0}}.dump());
}

// The id a token continues after; nullopt for a token this server never gave.
std::optional<long long> id_of_token(const std::string& token) {
  json j = json::parse(unbase64(token), nullptr, false);
  if (!j.is_object() || !j.contains("values") || !j["values"].is_object() ||
      !j["values"].contains("id") || !j["values"]["id"].is_number_integer()) {
    return std::nullopt;
  }
  return j["values"]["id"].get<long long>();
}

void send_vast_error(httplib::Response& res, int status, const std::string& error,
                     const std::string& msg) {
  res.status = status;
  res.set_content(json{{"success", false}, {"error", error}, {"msg", msg}}.dump(), "application/json");
}

bool vast_gate(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state,
               const std::string& fault) {
  state.record(req);
  std::string auth = req.get_header_value("Authorization");
  if (auth.empty()) {
    send_vast_error(res, 403, "auth_error", "This action requires login.");
    return false;
  }
  if (auth != "Bearer " + state.keys.at("vast")) {
    send_vast_error(res, 404, "auth_error", "Invalid user key");
    return false;
  }
  if (fault == "429-plain") {
    res.status = 429;
    res.set_content("API requests too frequent", "text/plain");
    return false;
  }
  if (fault == "429-detail") {
    res.status = 429;
    res.set_content(R"({"detail": "API requests too frequent endpoint threshold=1.0"})",
                    "application/json");
    return false;
  }
  return true;
}

// select_filters' {"<field>": {"gte": a, "lte": b}}, both required; nullopt when not so.
std::optional<std::pair<long long, long long>> range_of(const json& filters, const char* field) {
  if (!filters.is_object() || !filters.contains(field) || !filters[field].is_object()) return std::nullopt;
  const json& r = filters[field];
  if (!r.contains("gte") || !r.contains("lte") || !r["gte"].is_number() || !r["lte"].is_number()) {
    return std::nullopt;
  }
  return std::pair{static_cast<long long>(r["gte"].get<double>()),
                   static_cast<long long>(r["lte"].get<double>())};
}

// One page of `rows` (sorted by id) after the token, and the next token or null.
template <typename Row, typename IdOf>
bool page_of(const httplib::Request& req, httplib::Response& res, const std::vector<Row>& rows,
             IdOf id_of, long long limit, const std::string& fault, std::vector<Row>& page,
             json& next) {
  std::size_t from = 0;
  if (req.has_param("after_token")) {
    std::optional<long long> after = id_of_token(req.get_param_value("after_token"));
    if (!after) {
      send_vast_error(res, 400, "invalid_token", "Invalid pagination token");
      return false;
    }
    while (from < rows.size() && id_of(rows[from]) <= *after) ++from;
  }
  if (fault == "page-size-2" || fault == "repeat-cursor") limit = std::min(limit, 2LL);
  std::size_t to = std::min(rows.size(), from + static_cast<std::size_t>(limit));
  page.assign(rows.begin() + static_cast<long>(from), rows.begin() + static_cast<long>(to));
  next = nullptr;
  if (fault == "repeat-cursor" && !rows.empty()) {
    next = token_after(id_of(rows[std::min<std::size_t>(1, rows.size() - 1)]));
  } else if (to < rows.size()) {
    next = token_after(id_of(rows[to - 1]));
  }
  return true;
}

long long limit_of(const httplib::Request& req, long long fallback, long long max) {
  if (!req.has_param("limit")) return fallback;
  long long v = std::atoll(req.get_param_value("limit").c_str());
  if (v <= 0) return 5;  // [6]: the instances listing treats <= 0 as 5
  return std::min(v, max);
}

std::string hours_text(long long seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", seconds / 3600, (seconds % 3600) * 1000 / 3600);
  return buf;
}

json charge_of(const Contract& c, long long from, long long to, long long& milli_total) {
  long long seconds = to - from;
  json items = json::array();
  long long sum = 0;
  if (c.items.empty()) {
    sum = milli_of_micro(c.volume_micro_per_hour * seconds / 3600);
  }
  for (const Item& it : c.items) {
    long long milli = milli_of_micro(it.micro_per_hour * seconds / 3600);
    sum += milli;
    std::string description = std::string(it.type) == "gpu"
                                  ? hours_text(seconds) + " hours " + it.what
                                  : it.what;
    items.push_back({{"start", from}, {"end", to}, {"type", it.type}, {"source", nullptr},
                     {"description", description}, {"amount", static_cast<double>(milli) / 1000.0},
                     {"metadata", json::object()}, {"items", json::array()}});
  }
  milli_total += sum;
  long long days = (seconds + 86399) / 86400;
  std::string kind = std::string(c.type) == "instance" ? "Instance" : "Volume";
  return {{"start", c.start}, {"end", c.end}, {"type", c.type},
          {"source", std::string(c.type) + "-" + std::to_string(c.id)},
          {"description", kind + " " + std::to_string(c.id) + " Charges - " + std::to_string(days) + " days"},
          {"amount", static_cast<double>(sum) / 1000.0}, {"metadata", c.metadata}, {"items", items}};
}

void handle_charges(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  std::string fault = req.matches[1];
  if (!vast_gate(req, res, state, fault)) return;
  json filters = json::parse(req.get_param_value("select_filters"), nullptr, false);
  std::optional<std::pair<long long, long long>> day = range_of(filters, "day");
  if (!day) {
    send_vast_error(res, 400, "invalid_args",
                    "Must provide both 'day' gte and lte filters for instance charges");
    return;
  }
  if (fault == "success-false") {
    res.set_content(R"({"success": false, "error": "server_error", "msg": "Internal error, please try again"})",
                    "application/json");
    return;
  }
  std::vector<std::string> types;
  if (filters.contains("type") && filters["type"].is_object() && filters["type"].contains("in")) {
    for (const json& t : filters["type"]["in"]) {
      if (t.is_string()) types.push_back(t.get<std::string>());
    }
  }
  std::vector<const Contract*> matching;
  for (const Contract& c : contracts()) {
    if (!types.empty() && std::find(types.begin(), types.end(), c.type) == types.end()) continue;
    long long from = std::max(c.start, day->first);
    long long to = std::min({c.end, day->second + 1, k_now});
    if (from < to) matching.push_back(&c);
  }
  std::vector<const Contract*> page;
  json next;
  if (!page_of(req, res, matching, [](const Contract* c) { return c->id; },
               limit_of(req, 100, 500), fault, page, next)) {
    return;
  }
  json results = json::array();
  long long milli = 0;
  for (const Contract* c : page) {
    long long from = std::max(c->start, day->first);
    long long to = std::min({c->end, day->second + 1, k_now});
    results.push_back(charge_of(*c, from, to, milli));
  }
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    state.last.rows = results.size();
    state.last.total = units_text(milli, 3);
  }
  res.set_content(json{{"success", true}, {"count", results.size()}, {"total", matching.size()},
                       {"next_token", next}, {"results", results}}
                      .dump(),
                  "application/json");
}

struct Payment {
  long long id;
  double start;
  json end;
  const char* type;
  const char* source;
  const char* description;
  double amount;
  long long invoice_id;
  const char* service;
};

const std::vector<Payment>& payments() {
  static const std::vector<Payment> all = [] {
    std::vector<Payment> out;
    long long id = 1;
    for (unsigned m = 6; m <= 11; ++m) {
      double s = static_cast<double>(at(2026, m, 1, 9)) + 0.25;
      out.push_back({id++, s, s + 250.0, "credit", "stripe", "Manual Billing from MASTERCARD ...7376",
                     -2000.0, 2185400 + m, "stripe_payments"});
    }
    out.push_back({id++, static_cast<double>(at(2026, 10, 15, 14)), nullptr, "transfer",
                   "teammate@example.com", "Transfer from teammate@example.com", 25.0, 2185500,
                   "transfer"});
    std::sort(out.begin(), out.end(), [](const Payment& a, const Payment& b) { return a.start < b.start; });
    for (std::size_t i = 0; i < out.size(); ++i) out[i].id = static_cast<long long>(i + 1);
    return out;
  }();
  return all;
}

void handle_invoices(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  std::string fault = req.matches[1];
  if (!vast_gate(req, res, state, fault)) return;
  json filters = json::parse(req.get_param_value("select_filters"), nullptr, false);
  std::optional<std::pair<long long, long long>> when = range_of(filters, "when");
  if (!when) {  // [8]: HTTP 200 with success:false
    res.set_content(R"({"success": false, "error": "Invalid date range", "count": 0, "results": []})",
                    "application/json");
    return;
  }
  std::vector<const Payment*> matching;
  for (const Payment& p : payments()) {
    if (p.start >= static_cast<double>(when->first) && p.start <= static_cast<double>(when->second)) {
      matching.push_back(&p);
    }
  }
  std::vector<const Payment*> page;
  json next;
  if (!page_of(req, res, matching, [](const Payment* p) { return p->id; }, limit_of(req, 60, 100),
               fault, page, next)) {
    return;
  }
  json results = json::array();
  for (const Payment* p : page) {
    results.push_back({{"start", p->start}, {"end", p->end}, {"type", p->type},
                       {"source", p->source}, {"description", p->description},
                       {"amount", p->amount},
                       {"metadata", {{"invoice_id", p->invoice_id}, {"service", p->service}}},
                       {"items", json::array()}});
  }
  res.set_content(json{{"success", true}, {"count", results.size()}, {"total", matching.size()},
                       {"next_token", next}, {"results", results}}
                      .dump(),
                  "application/json");
}

void handle_user(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  std::string fault = req.matches[1];
  if (!vast_gate(req, res, state, fault)) return;
  res.set_content(R"({"id": 123456, "key_id": 789, "email": "you@example.com", "credit": 1234.56,
 "balance": 0.0, "balance_threshold": 10.0, "balance_threshold_enabled": true,
 "billed_expected": 0.0, "billed_verified": 0.0, "billing_creditonly": false, "can_pay": true,
 "has_billing": true, "ssh_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKE you@example.com",
 "sid": "fake-session-id-0123456789"})",
                  "application/json");
}

void handle_instances(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  std::string fault = req.matches[1];
  if (!vast_gate(req, res, state, fault)) return;
  if (fault == "listing-500") {
    send_vast_error(res, 500, "server_error", "Internal server error");
    return;
  }
  std::vector<const Contract*> live;
  for (const Contract& c : contracts()) {
    if (c.live) live.push_back(&c);
  }
  std::vector<const Contract*> page;
  json next;
  if (!page_of(req, res, live, [](const Contract* c) { return c->id; }, limit_of(req, 25, 25),
               fault == "repeat-cursor" ? "" : fault, page, next)) {
    return;
  }
  json instances = json::array();
  json labels = json::object();
  for (const Contract* c : page) {
    instances.push_back({{"id", c->id}, {"machine_id", c->id % 1000}, {"host_id", 7},
                         {"actual_status", "running"}, {"label", c->label},
                         {"gpu_name", c->gpu_name}, {"num_gpus", c->num_gpus},
                         {"gpu_ram", 24576}, {"gpu_totalram", 24576 * c->num_gpus},
                         {"dph_total", 0.8021}, {"start_date", static_cast<double>(c->start) + 0.5},
                         {"end_date", static_cast<double>(c->end)}, {"geolocation", "California, US"}});
    if (*c->label != '\0') labels[c->label] = 1;
  }
  res.set_content(json{{"success", true}, {"instances_found", instances.size()},
                       {"total_instances", live.size()}, {"label_counts", labels},
                       {"next_token", next}, {"instances", instances}}
                      .dump(),
                  "application/json");
}

}  // namespace

LastAnswer vast_charges_truth(long long start, long long end_exclusive) {
  LastAnswer truth;
  long long milli = 0;
  for (const Contract& c : contracts()) {
    long long from = std::max(c.start, start);
    long long to = std::min({c.end, end_exclusive, k_now});
    if (from >= to) continue;
    ++truth.rows;
    charge_of(c, from, to, milli);
  }
  truth.total = units_text(milli, 3);
  return truth;
}

void add_vast_routes(httplib::Server& server, FakeCloud::State& state) {
  state.keys["vast"] = state.options.keys.at("vast");
  state.roots["GPUBILL_VAST_URL"] = {"/vast", ""};
  const std::string root = R"((?:http://[^/]+)?/vast(?:/fault/([a-z0-9-]+))?)";
  server.Get(root + R"(/api/v0/charges/?)", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_charges(req, res, state);
  });
  server.Get(root + R"(/api/v1/invoices/?)", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_invoices(req, res, state);
  });
  server.Get(root + R"(/api/v0/users/current/?)", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_user(req, res, state);
  });
  server.Get(root + R"(/api/v1/instances/?)", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_instances(req, res, state);
  });
}

}  // namespace gpubill::test
