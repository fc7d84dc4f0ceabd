// Novita billing in the fake cloud, as ../shared/docs/providers/novita.md describes it: Bearer
// auth, {"bills": [...]} envelopes, integer strings of 1/10000 USD, unix-second times with
// inclusive ends, no paging, and a 400 for any query window over 31 days.
//
// Fixed-term bills (bill/monthly/list), June to December 2026:
//   - an 8x H100 subscription renewed on the 1st of each month;
//   - an RTX 4090 subscription renewed on the 15th, so every bill spans two calendar months
//     and two of gpubill's windows;
//   - cloud storage billed per month, and one-day bills that start exactly at a month's first
//     second and end exactly at its last second (window edges);
//   - one summary row per cycle month, the sum of that month's product bills.
// Usage bills (bill/list): hourly GPU use of two instances, bucketed by cycleType inside the
// query window; and pay-as-you-go cloud storage (productCategory cloud_storage) billed per
// day, whose billNum0 is "size * time" (novita.md 2.3: no unit, here GB-hours with a
// fraction where the volume grew), with a refund line on the 15th of each month (a negative
// payAmount: a credit, as a refund is).
// A bill is returned when its [startTime, endTime] overlaps the query's (inclusive) window.
#include <algorithm>
#include <cstdio>
#include <cctype>
#include <map>

#include <date/date.h>

#include "support/fake_cloud/fake_cloud_state.hpp"

namespace gpubill::test {

namespace {

struct Bill {
  long long start;
  long long end;  // inclusive
  std::string product;
  std::string category;
  std::string owner;
  std::string trade_type;
  long long base_price;  // 1/10000 USD
  long long amount;
  long long voucher;
  int billing_method;
  std::string cycle;
};

long long unix_of(date::sys_days d) { return model::to_unix(model::Timestamp{d}); }

const std::vector<Bill>& fixed_term_bills() {
  static const std::vector<Bill> bills = [] {
    std::vector<Bill> out;
    for (unsigned m = 6; m <= 12; ++m) {
      date::year_month ym{date::year{2026}, date::month{m}};
      date::sys_days first = ym / 1;
      date::sys_days next = (ym + date::months{1}) / 1;
      std::string cycle = "2026-" + std::string(m < 10 ? "0" : "") + std::to_string(m);
      long long voucher = (m % 3 == 0) ? 5'000'000 : 0;
      out.push_back({unix_of(first), unix_of(next) - 1, "NVIDIA H100 80GB x8", "gpu",
                     "inst-h100x8-a", m == 6 ? "monthly_new_buy" : "monthly_re_buy",
                     135'000'000, 135'000'000, voucher, 2, cycle});
      date::sys_days fifteenth = ym / 15;
      date::sys_days next_fifteenth = (ym + date::months{1}) / 15;
      out.push_back({unix_of(fifteenth), unix_of(next_fifteenth) - 1, "RTX 4090 24GB", "gpu",
                     "inst-4090-b", "auto_renew", 2'520'000, 2'520'000, 0, 2, cycle});
      out.push_back({unix_of(first), unix_of(next) - 1, "Cloud Storage 500GB", "cloud_storage",
                     "vol-c", "monthly_re_buy", 123'457, 123'457, 0, 2, cycle});
      // One-day bills on the window edges: the month's first second and its last second.
      out.push_back({unix_of(first), unix_of(first) + 86'399, "A100 80GB (1 day)", "gpu",
                     "inst-edge-first", "monthly_new_buy", 43'211, 43'211, 1, 4, cycle});
      out.push_back({unix_of(next) - 86'400, unix_of(next) - 1, "L40S 48GB (1 day)", "gpu",
                     "inst-edge-last", "monthly_new_buy", 20'643, 20'643, 0, 4, cycle});
    }
    return out;
  }();
  return bills;
}

bool overlaps(const Bill& b, long long qs, long long qe) { return b.start <= qe && b.end >= qs; }

bool matches(const Bill& b, const httplib::Request& req) {
  if (req.has_param("productName")) {
    std::string want = req.get_param_value("productName");
    std::string have = b.product;
    for (auto* s : {&want, &have}) {
      std::transform(s->begin(), s->end(), s->begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    if (have.find(want) == std::string::npos) return false;
  }
  return !req.has_param("ownerId") || req.get_param_value("ownerId") == b.owner;
}

std::string q(const std::string& s) { return "\"" + s + "\""; }
std::string qn(long long n) { return q(std::to_string(n)); }

std::string bill_json(const Bill& b) {
  long long pay = b.amount - b.voucher;
  return "{\"userId\": \"u-fake\", \"memberId\": \"\", \"startTime\": " + qn(b.start) +
         ", \"endTime\": " + qn(b.end) + ", \"productName\": " + q(b.product) +
         ", \"productCategory\": " + q(b.category) + ", \"ownerID\": " + q(b.owner) +
         ", \"tradeMode\": \"monthly\", \"tradeType\": " + q(b.trade_type) +
         ", \"basePrice\": " + qn(b.base_price) + ", \"billNum\": \"1\", \"amount\": " +
         qn(b.amount) + ", \"voucherAmount\": " + qn(b.voucher) + ", \"payAmount\": " +
         qn(pay) + ", \"payAmountDisplay\": " + units_text(pay, 4) +
         ", \"pricePrecision\": 1, \"createTime\": " + qn(b.start) + ", \"cycle\": " +
         q(b.cycle) + ", \"productId\": \"p-" + b.owner + "\", \"billingMethod\": " +
         std::to_string(b.billing_method) + "}";
}

// The summary row of a cycle month: the sum of the product bills of that cycle.
const std::vector<Bill>& summary_bills() {
  static const std::vector<Bill> summaries = [] {
  std::map<std::string, Bill> by_cycle;
  for (const Bill& b : fixed_term_bills()) {
    Bill& s = by_cycle[b.cycle];
    if (s.cycle.empty()) {
      date::year_month ym{date::year{2026}, date::month{static_cast<unsigned>(std::stoi(b.cycle.substr(5)))}};
      s = {unix_of(ym / 1), unix_of((ym + date::months{1}) / 1) - 1, "Summary", "summary", "",
           "monthly", 0, 0, 0, 2, b.cycle};
    }
    s.amount += b.amount;
    s.voucher += b.voucher;
  }
  std::vector<Bill> out;
  for (auto& [cycle, s] : by_cycle) out.push_back(s);
  return out;
  }();
  return summaries;
}

struct Usage {
  long long hour;  // unix seconds of the hour start
  std::string product;
  std::string owner;
  long long price;  // 1/10000 USD per hour
};

const std::vector<Usage>& usage_hours() {
  static const std::vector<Usage> hours = [] {
    std::vector<Usage> out;
    long long begin = unix_of(date::year{2026} / 6 / 1);
    long long end = unix_of(date::year{2026} / 12 / 1);
    for (long long t = begin; t < end; t += 3600) {
      std::uint64_t h = static_cast<std::uint64_t>(t / 3600);
      if (mix(h * 4) % 10 < 6) out.push_back({t, "RTX 4090 24GB", "inst-41aa", 3500});
      if (mix(h * 4 + 1) % 10 < 3) out.push_back({t, "NVIDIA H100 80GB", "inst-77h1", 21500});
    }
    return out;
  }();
  return hours;
}

// Pay-as-you-go cloud storage, billed per day from 2026-08-01 to 2026-12-01 (unix day start):
// 1/10000 USD; the 15th of each month a refund.
constexpr long long k_storage_first_day = 1'785'542'400;  // 2026-08-01
constexpr long long k_storage_end_day = 1'796'083'200;    // 2026-12-01
long long storage_day_amount(long long day) {
  date::year_month_day ymd{date::floor<date::days>(model::from_unix(day))};
  if (static_cast<unsigned>(ymd.day()) == 15) return -20'000;
  return 3'945 + static_cast<long long>(mix(static_cast<std::uint64_t>(day)) % 100);
}

// A month's statement from the fake's own bills (novita.md 2.4 gives the fields, not how they
// add up; gpubill's reading, docs/providers/novita.md): the fixed-term bills of that cycle
// before vouchers plus the month's usage is totalAmount, the vouchers voucherPayAmount, and
// totalAmount less vouchers is what the bill lines' payAmount add up to.
struct MonthStatement {
  long long total = 0;
  long long vouchers = 0;
};
MonthStatement statement_of(date::year_month ym) {
  MonthStatement m;
  char cycle[16];
  std::snprintf(cycle, sizeof cycle, "%04d-%02u", static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()));
  for (const Bill& b : fixed_term_bills()) {
    if (b.cycle != cycle) continue;
    m.total += b.amount;
    m.vouchers += b.voucher;
  }
  long long first = unix_of(ym / 1);
  long long next = unix_of((ym + date::months{1}) / 1);
  for (const Usage& u : usage_hours()) {
    if (u.hour >= first && u.hour < next) m.total += u.price;
  }
  for (long long day = std::max(first, k_storage_first_day); day < std::min(next, k_storage_end_day); day += 86400) {
    m.total += storage_day_amount(day);
  }
  return m;
}

bool authorized(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  std::string auth = req.get_header_value("Authorization");
  auto kratos = [&](int status, const char* reason, const char* message) {
    res.status = status;
    res.set_content(std::string("{\"code\": ") + std::to_string(status) + ", \"reason\": \"" +
                        reason + "\", \"message\": \"" + message + "\"}",
                    "application/json");
  };
  if (auth == "Bearer " + state.options.novita_readonly_key) {
    kratos(403, "FORBIDDEN", "api key has no billing permission");
    return false;
  }
  if (auth != "Bearer " + state.options.novita_key) {
    kratos(401, "UNAUTHORIZED", "invalid api key");
    return false;
  }
  return true;
}

void handle(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  std::string fault = req.matches[1];
  // Concurrency as the server sees it; `slow` holds each request long enough to overlap.
  int now = ++state.in_flight;
  int peak = state.peak_in_flight.load();
  while (now > peak && !state.peak_in_flight.compare_exchange_weak(peak, now)) {
  }
  struct Leave {
    std::atomic<int>& n;
    ~Leave() { --n; }
  } leave{state.in_flight};
  if (fault == "slow") state.sleep_ms(200);
  std::string list = req.matches[2];
  auto error = [&](int status, const std::string& reason, const std::string& message) {
    res.status = status;
    res.set_content("{\"code\": " + std::to_string(status) + ", \"reason\": \"" + reason +
                        "\", \"message\": \"" + message + "\"}",
                    "application/json");
  };
  if (!authorized(req, res, state)) return;
  if (fault == "too-fast-once" && state.hit(fault) == 1) {
    return error(429, "LIST_BILL_TOO_FAST", "list bill too fast, please retry later");
  }
  if (fault == "500") return error(500, "LIST_BILL_ERROR", "list bill error");
  if (!req.has_param("startTime") || !req.has_param("endTime")) {
    return error(400, "INVALID_TIME_RANGE", "startTime and endTime are required");
  }
  long long qs = 0;
  long long qe = 0;
  try {
    qs = std::stoll(req.get_param_value("startTime"));
    qe = std::stoll(req.get_param_value("endTime"));
  } catch (const std::exception&) {
    return error(400, "INVALID_TIME_RANGE", "startTime and endTime must be unix seconds");
  }
  if (qe < qs || qe - qs > 31LL * 86400) {
    return error(400, "INVALID_TIME_RANGE", "time range must be within 31 days");
  }

  std::vector<std::string> rows;
  Units total = 0;
  if (list == "monthly/list") {
    std::string category = req.has_param("category") ? req.get_param_value("category") : "summary";
    for (const Bill& b : category == "summary" ? summary_bills() : fixed_term_bills()) {
      if (b.category != category || !overlaps(b, qs, qe) || !matches(b, req)) continue;
      rows.push_back(bill_json(b));
      total += b.amount - b.voucher;
    }
  } else {
    std::string cycle = req.has_param("cycleType") ? req.get_param_value("cycleType") : "";
    std::string bucket = cycle;
    for (char& c : bucket) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (cycle != "Hour" && cycle != "Day" && cycle != "Week" && cycle != "Month") {
      return error(400, "INVALID_BILL_CYCLE", "invalid cycleType: " + cycle);
    }
    std::string category = req.has_param("productCategory") ? req.get_param_value("productCategory") : "";
    if (category.empty()) return error(400, "INVALID_PRODUCT_CATEGORY", "productCategory is required");
    if (category == "cloud_storage") {
      for (long long day = k_storage_first_day; day < k_storage_end_day;
           day += 86400) {
        if (day + 86399 < qs || day > qe) continue;
        date::year_month_day ymd{date::floor<date::days>(model::from_unix(day))};
        bool refund = static_cast<unsigned>(ymd.day()) == 15;
        long long amount = storage_day_amount(day);
        std::string quantity = refund ? "0" : "12000." + std::to_string(static_cast<int>(mix(static_cast<std::uint64_t>(day) + 1) % 9) + 1) + "5";
        rows.push_back("{\"userId\": \"u-fake\", \"startTime\": " + qn(std::max(day, qs)) +
                       ", \"endTime\": " + qn(std::min(day + 86399, qe)) +
                       ", \"billingMethod\": 1, \"productName\": " +
                       q(refund ? "Cloud Storage refund" : "Cloud Storage (pay-as-you-go)") +
                       ", \"category\": \"cloud_storage\", \"ownerID\": \"vol-fake-1\", \"billNum0\": " +
                       q(quantity) + ", \"billNum1\": \"0\", \"basePrice0\": \"3288\", \"basePrice1\": \"0\", "
                       "\"discountPrice0\": \"3288\", \"discountPrice1\": \"0\", \"amount\": " + qn(amount) +
                       ", \"voucherAmount\": \"0\", \"payAmount\": " + qn(amount) +
                       ", \"payAmountDisplay\": " + units_text(amount, 4) +
                       ", \"pricePrecision\": 10000, \"productId\": \"p-storage\"}");
        total += amount;
      }
    }
    if (category == "gpu") {
      // (bucket start, owner) -> seconds, price, product
      std::map<std::pair<long long, std::string>, std::pair<long long, const Usage*>> groups;
      for (const Usage& u : usage_hours()) {
        if (u.hour < qs || u.hour > qe) continue;
        if (req.has_param("ownerId") && req.get_param_value("ownerId") != u.owner) continue;
        long long b = model::to_unix(bucket_start(model::from_unix(u.hour), bucket));
        auto& g = groups[{b, u.owner}];
        g.first += 3600;
        g.second = &u;
      }
      for (const auto& [key, g] : groups) {
        long long bstart = std::max(key.first, qs);
        long long bend = std::min(model::to_unix(bucket_end(model::from_unix(key.first), bucket)) - 1, qe);
        long long amount = g.first * g.second->price / 3600;
        rows.push_back("{\"userId\": \"u-fake\", \"startTime\": " + qn(bstart) +
                       ", \"endTime\": " + qn(bend) + ", \"billingMethod\": 1, \"productName\": " +
                       q(g.second->product) + ", \"category\": \"gpu\", \"ownerID\": " +
                       q(g.second->owner) + ", \"billNum0\": " + qn(g.first) +
                       ", \"billNum1\": \"0\", \"basePrice0\": " + qn(g.second->price) +
                       ", \"basePrice1\": \"0\", \"discountPrice0\": " + qn(g.second->price) +
                       ", \"discountPrice1\": \"0\", \"amount\": " + qn(amount) +
                       ", \"voucherAmount\": \"0\", \"payAmount\": " + qn(amount) +
                       ", \"payAmountDisplay\": " + units_text(amount, 4) +
                       ", \"pricePrecision\": 3600, \"productId\": \"p-gpu\"}");
        total += amount;
      }
    }
  }
  std::string body = "{\"bills\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) body += (i ? ",\n  " : "\n  ") + rows[i];
  body += rows.empty() ? "]}" : "\n]}";
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    state.last = {rows.size(), units_text(total, 4)};
  }
  res.status = 200;
  res.set_content(body, "application/json");
}

}  // namespace

LastAnswer novita_fixed_term_truth(const std::string& category, long long start,
                                   long long end_exclusive) {
  const std::vector<Bill>& source = category == "summary" ? summary_bills() : fixed_term_bills();
  LastAnswer truth;
  Units total = 0;
  for (const Bill& b : source) {
    if (b.category != category || b.start < start || b.start >= end_exclusive) continue;
    ++truth.rows;
    total += b.amount - b.voucher;
  }
  truth.total = units_text(total, 4);
  return truth;
}

namespace {

// Monthly statements from 2025-10 (where Novita's data starts) to 2026-11. Page p holds the
// months from startMonth + (p-1) * pageSize on; past the last month pages are empty.
void handle_statements(const httplib::Request& req, httplib::Response& res,
                       FakeCloud::State& state) {
  state.record(req);
  std::string fault = req.matches[1];
  if (!authorized(req, res, state)) return;
  std::string start_month = req.has_param("startMonth") ? req.get_param_value("startMonth") : "2025-10";
  int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
  int size = req.has_param("pageSize") ? std::stoi(req.get_param_value("pageSize")) : 10;
  date::year_month first{date::year{std::stoi(start_month.substr(0, 4))},
                         date::month{static_cast<unsigned>(std::stoi(start_month.substr(5, 2)))}};
  if (first < date::year{2025} / 10) first = date::year{2025} / 10;
  date::year_month last = date::year{2026} / 11;
  std::vector<std::string> rows;
  for (int i = 0; i < size; ++i) {
    date::year_month ym = first + date::months{(page - 1) * size + i};
    if (fault == "endless-pages") ym = first;  // never runs dry
    if (ym > last) break;
    char month[16];
    std::snprintf(month, sizeof month, "%04d-%02u", static_cast<int>(ym.year()),
                  static_cast<unsigned>(ym.month()));
    MonthStatement st = statement_of(ym);
    // Fault `statement-extra`: each statement holds $1.2345 that no bill line shows.
    long long total = st.total + (fault == "statement-extra" ? 12'345 : 0);
    std::string status = ym == last ? "pending" : ym == last - date::months{1} ? "outed" : "paid";
    rows.push_back("{\"billId\": \"mb-" + std::string(month) + "\", \"userId\": \"u-fake\", "
                   "\"billingMonth\": \"" + month + "\", \"totalAmount\": " + qn(total) +
                   ", \"originTotalAmount\": " + qn(total) + ", \"voucherPayAmount\": " + qn(st.vouchers) + ", "
                   "\"cashPayAmount\": " + qn(total - st.vouchers) + ", \"debtAmount\": \"0\", "
                   "\"repaidAmount\": \"0\", \"status\": \"" + status + "\", \"invoiceUrl\": \"" +
                   (status == "paid" ? "https://novita.example/inv/" + std::string(month) + ".pdf" : "") +
                   "\", \"startTime\": " + qn(unix_of(ym / 1)) + ", \"endTime\": " +
                   qn(unix_of((ym + date::months{1}) / 1) - 1) + "}");
  }
  std::string body = "{\"data\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) body += (i ? ",\n  " : "\n  ") + rows[i];
  body += "]}";
  res.status = 200;
  res.set_content(body, "application/json");
}

}  // namespace

LastAnswer novita_usage_truth(long long start, long long end_exclusive) {
  LastAnswer truth;
  Units total = 0;
  for (const Usage& u : usage_hours()) {
    if (u.hour < start || u.hour >= end_exclusive) continue;
    ++truth.rows;  // GPU-hours
    total += u.price;
  }
  truth.total = units_text(total, 4);
  return truth;
}

void add_novita_routes(httplib::Server& server, FakeCloud::State& state) {
  state.keys["novita"] = state.options.novita_key;
  state.roots["GPUBILL_NOVITA_URL"] = {"/novita", ""};
  server.Get(R"((?:http://[^/]+)?/novita(?:/fault/([a-z0-9-]+))?/openapi/v1/billing/bill/(monthly/list|list))",
             [&state](const httplib::Request& req, httplib::Response& res) {
               handle(req, res, state);
             });
  server.Get(R"((?:http://[^/]+)?/novita(?:/fault/([a-z0-9-]+))?/openapi/v1/billing/balance/detail)",
             [&state](const httplib::Request& req, httplib::Response& res) {
               state.record(req);
               if (!authorized(req, res, state)) return;
               res.set_content(R"({"availableBalance": "12345678", "cashBalance": "10000000",)"
                               R"( "creditLimit": "5000000", "outstandingInvoices": "2654322"})",
                               "application/json");
             });
  server.Get(R"((?:http://[^/]+)?/novita(?:/fault/([a-z0-9-]+))?/openapi/v1/billing/monthly/bill)",
             [&state](const httplib::Request& req, httplib::Response& res) {
               handle_statements(req, res, state);
             });
}

}  // namespace gpubill::test
