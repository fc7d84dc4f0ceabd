#include "support/fake_cloud/fake_cloud.hpp"

#include <sys/socket.h>

#include <chrono>
#include <stdexcept>

#include <date/date.h>

#include "support/fake_cloud/fake_cloud_state.hpp"

namespace gpubill::test {

void FakeCloud::State::record(const httplib::Request& req) {
  RecordedRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) r.params.emplace(k, v);
  for (const auto& [k, v] : req.headers) {
    std::string name = k;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = v;
  }
  std::lock_guard<std::mutex> lock(mutex);
  requests.push_back(std::move(r));
}

int FakeCloud::State::hit(const std::string& fault) {
  std::lock_guard<std::mutex> lock(mutex);
  return ++fault_hits[fault];
}

void FakeCloud::State::sleep_ms(int ms) const {
  for (int waited = 0; waited < ms && !stopping; waited += 20) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void send_message(httplib::Response& res, int status, const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  res.status = status;
  res.set_content("{\"message\": \"" + escaped + "\"}", "application/json");
}

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::string units_text(Units u, int scale) {
  bool neg = u < 0;
  if (neg) u = -u;
  Units one = 1;
  for (int i = 0; i < scale; ++i) one *= 10;
  std::string whole;
  Units w = u / one;
  do {
    whole.insert(whole.begin(), static_cast<char>('0' + static_cast<int>(w % 10)));
    w /= 10;
  } while (w > 0);
  std::string frac;
  Units f = u % one;
  for (int i = 0; i < scale; ++i) {
    frac.insert(frac.begin(), static_cast<char>('0' + static_cast<int>(f % 10)));
    f /= 10;
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return (neg ? "-" : "") + whole + (frac.empty() ? "" : "." + frac);
}

model::Timestamp bucket_start(model::Timestamp t, const std::string& bucket) {
  date::sys_days day = date::floor<date::days>(t);
  date::year_month_day ymd{day};
  if (bucket == "hour") return date::floor<std::chrono::hours>(t);
  if (bucket == "day") return day;
  if (bucket == "week") return day - (date::weekday{day} - date::Monday);
  if (bucket == "month") return date::sys_days{ymd.year() / ymd.month() / 1};
  return date::sys_days{ymd.year() / 1 / 1};
}

model::Timestamp bucket_end(model::Timestamp start, const std::string& bucket) {
  if (bucket == "hour") return start + std::chrono::hours{1};
  if (bucket == "day") return start + date::days{1};
  if (bucket == "week") return start + date::days{7};
  if (bucket == "month") return model::add_months(start, 1);
  return model::add_months(start, 12);
}

FakeCloud::FakeCloud(Options options)
    : m_options(std::move(options)),
      m_server(std::make_unique<httplib::Server>()),
      m_state(std::make_unique<State>()) {
  m_state->options = m_options;
  add_generic_fault_routes(*m_server, *m_state);
  add_runpod_routes(*m_server, *m_state);
  add_novita_routes(*m_server, *m_state);
  add_gcore_routes(*m_server, *m_state);
  add_hyperstack_routes(*m_server, *m_state);
  add_vast_routes(*m_server, *m_state);
  // Enough threads that the server is never what limits gpubill's concurrency.
  m_server->new_task_queue = [] { return new httplib::ThreadPool(32); };
  if (m_options.latency_ms > 0) {
    State* state = m_state.get();
    int ms = m_options.latency_ms;
    m_server->set_pre_routing_handler([state, ms](const httplib::Request& req, httplib::Response&) {
      LatencyInterval wait;
      std::size_t slash = req.path.find('/', 1);
      wait.provider = req.path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
      wait.start = std::chrono::steady_clock::now();
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      wait.end = std::chrono::steady_clock::now();
      std::lock_guard<std::mutex> lock(state->mutex);
      state->latency.push_back(std::move(wait));
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  m_server->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) send_message(res, res.status, "no such route in the fake cloud");
  });
}

FakeCloud::~FakeCloud() { stop(); }

void FakeCloud::start() {
  // Debian's cpp-httplib is a compiled library that listens with a backlog of 5: a report
  // opening 16 connections at once overflowed it, the kernel dropped SYNs, and a provider's
  // first request waited for the 1 s SYN retransmit (the latency test's flake, seen in
  // `nstat` as ListenOverflows). Linux lets a listening socket be given a new backlog.
  int listen_fd = -1;
  m_server->set_socket_options([&listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = static_cast<int>(sock);
  });
  if (m_options.port == 0) {
    m_port = m_server->bind_to_any_port("127.0.0.1");
  } else {
    m_port = m_server->bind_to_port("127.0.0.1", m_options.port) ? m_options.port : -1;
  }
  if (m_port <= 0) throw std::runtime_error("fake cloud: cannot bind 127.0.0.1");
  m_state->port = m_port;
  if (listen_fd >= 0 && ::listen(listen_fd, 256) != 0) {
    throw std::runtime_error("fake cloud: cannot raise the listen backlog");
  }
  m_thread = std::thread([this] { m_server->listen_after_bind(); });
  for (int i = 0; i < 500 && !m_server->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!m_server->is_running()) throw std::runtime_error("fake cloud: server did not start");
}

void FakeCloud::stop() {
  m_state->stopping = true;
  if (m_server) m_server->stop();
  if (m_thread.joinable()) m_thread.join();
}

std::string FakeCloud::base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

std::string FakeCloud::url_for(const std::string& url_env, const std::string& fault,
                               const std::string& generic) const {
  auto it = m_state->roots.find(url_env);
  if (it == m_state->roots.end()) throw std::runtime_error("fake cloud: no root for " + url_env);
  return base_url() + (generic.empty() ? "" : "/gfault/" + generic) + it->second.first +
         (fault.empty() ? "" : "/fault/" + fault) + it->second.second;
}

std::string FakeCloud::key_for(const std::string& name) const {
  auto it = m_state->keys.find(name);
  if (it == m_state->keys.end()) throw std::runtime_error("fake cloud: does not serve " + name);
  return it->second;
}

std::string FakeCloud::runpod_url(const std::string& fault) const {
  return url_for("GPUBILL_RUNPOD_URL", fault);
}

std::string FakeCloud::runpod_v2_url(const std::string& fault) const {
  return url_for("GPUBILL_RUNPOD_V2_URL", fault);
}

std::string FakeCloud::hyperstack_url(const std::string& fault) const {
  return url_for("GPUBILL_HYPERSTACK_URL", fault);
}

std::string FakeCloud::gcore_url(const std::string& fault) const {
  return url_for("GPUBILL_GCORE_URL", fault);
}

std::string FakeCloud::novita_url(const std::string& fault) const {
  return url_for("GPUBILL_NOVITA_URL", fault);
}

std::vector<RecordedRequest> FakeCloud::requests() const {
  std::lock_guard<std::mutex> lock(m_state->mutex);
  return m_state->requests;
}

int FakeCloud::peak_in_flight() const { return m_state->peak_in_flight.load(); }

std::vector<LatencyInterval> FakeCloud::latency_intervals() const {
  std::lock_guard<std::mutex> lock(m_state->mutex);
  return m_state->latency;
}

LastAnswer FakeCloud::last_answer() const {
  std::lock_guard<std::mutex> lock(m_state->mutex);
  return m_state->last;
}

}  // namespace gpubill::test
