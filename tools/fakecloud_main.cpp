// gpubill-fakecloud: the test suite's fake provider server as a program, for `make demo` and
// for trying gpubill without real keys. Listens on 127.0.0.1 only.
//
//   gpubill-fakecloud [--port N] [--latency-ms MS] [--runpod-bulk ROWS] [--env-file PATH]
//                     [--runpod-key KEY] [--novita-key KEY] [--gcore-key KEY] [--hyperstack-key KEY]
//                     [--key PROVIDER=KEY] [--runpod-minute-quota N]
// Prints "listening on http://127.0.0.1:PORT" and serves until SIGINT or SIGTERM. --env-file
// writes, before that line, the environment that points gpubill at every registered provider
// here (export NAME='value' lines, for a shell to source): make demo uses it, so a new
// provider needs no edit there.
#include <csignal>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fstream>

#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"

namespace {

// 'value' for a POSIX shell.
std::string shell_quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

int main(int argc, char** argv) {
  gpubill::test::FakeCloud::Options options;
  std::string env_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      options.port = std::atoi(argv[++i]);
    } else if (arg == "--runpod-key" && i + 1 < argc) {
      options.runpod_key = argv[++i];
    } else if (arg == "--novita-key" && i + 1 < argc) {
      options.novita_key = argv[++i];
    } else if (arg == "--gcore-key" && i + 1 < argc) {
      options.gcore_key = argv[++i];
    } else if (arg == "--hyperstack-key" && i + 1 < argc) {
      options.hyperstack_key = argv[++i];
    } else if (arg == "--key" && i + 1 < argc && std::strchr(argv[i + 1], '=') != nullptr) {
      std::string pair = argv[++i];
      std::string name = pair.substr(0, pair.find('='));
      std::string key = pair.substr(pair.find('=') + 1);
      // The first four providers' keys have fields of their own (the tests set them).
      std::string* own = name == "runpod"       ? &options.runpod_key
                         : name == "novita"     ? &options.novita_key
                         : name == "gcore"      ? &options.gcore_key
                         : name == "hyperstack" ? &options.hyperstack_key
                                                : nullptr;
      (own != nullptr ? *own : options.keys[name]) = key;
    } else if (arg == "--env-file" && i + 1 < argc) {
      env_file = argv[++i];
    } else if (arg == "--latency-ms" && i + 1 < argc) {
      options.latency_ms = std::atoi(argv[++i]);
    } else if (arg == "--runpod-minute-quota" && i + 1 < argc) {
      options.runpod_minute_quota = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--runpod-bulk" && i + 1 < argc) {
      options.runpod_bulk_records = static_cast<std::size_t>(std::atoll(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: gpubill-fakecloud [--port N] [--latency-ms MS] [--runpod-bulk ROWS] [--env-file PATH]\n"
                   "         [--runpod-key KEY] [--novita-key KEY] [--gcore-key KEY] [--hyperstack-key KEY] [--key PROVIDER=KEY]\n"
                   "         [--runpod-minute-quota N]\n"
                   "Serves fake provider billing APIs on 127.0.0.1 until SIGINT/SIGTERM.\n");
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // the server threads inherit the mask

  gpubill::test::FakeCloud cloud(options);
  try {
    cloud.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gpubill-fakecloud: %s\n", e.what());
    return 1;
  }
  if (!env_file.empty()) {
    std::ofstream out(env_file);
    for (const auto& [name, value] : gpubill::test::all_providers_env(cloud)) {
      out << "export " << name << "=" << shell_quoted(value) << "\n";
    }
    if (!out.flush()) {
      std::fprintf(stderr, "gpubill-fakecloud: cannot write %s\n", env_file.c_str());
      return 1;
    }
  }
  std::printf("listening on %s\n", cloud.base_url().c_str());
  if (options.runpod_bulk_records > 0) {
    std::printf("runpod bulk: %s rows=%zu bytes=%zu total=%s\n", cloud.runpod_bulk_url().c_str(),
                options.runpod_bulk_records, cloud.runpod_bulk_bytes(),
                cloud.runpod_bulk_total().c_str());
  }
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  cloud.stop();
  return 0;
}
