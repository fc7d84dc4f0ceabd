#pragma once
// The environment that points gpubill at a running fake cloud: for one provider, from its
// ProviderInfo (key variable, base-URL variable and every URL-valued extra setting) and what
// the fake registered for it, or for every registered provider; with the clock the fake's
// data is written for. One function for every e2e test, the conformance suite and the
// secrets test, so a new provider needs no edit here.
#include <map>
#include <string>

#include "gpubill/providers/provider.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/providers.hpp"

namespace gpubill::test {

/// The instant the fake cloud's data stops (its v2 clock): GPUBILL_NOW in every test.
inline constexpr const char* k_fake_now = "2026-11-23T12:00:00Z";

/// `info`'s provider pointed at `cloud`; `fault`: its own fault route; `generic`: behind that
/// generic fault (generic_faults()).
inline std::map<std::string, std::string> env_for(const FakeCloud& cloud,
                                                  const providers::ProviderInfo& info,
                                                  const std::string& fault = "",
                                                  const std::string& generic = "") {
  std::map<std::string, std::string> env = {
      {info.key_env, cloud.key_for(info.name)},
      {info.url_env, cloud.url_for(info.url_env, fault, generic)},
      {"GPUBILL_NOW", k_fake_now}};
  for (const providers::ExtraSetting& s : info.extra_settings) {
    if (s.is_url && !s.env.empty()) env[s.env] = cloud.url_for(s.env, fault, generic);
  }
  return env;
}

/// The same for the registered provider `name`.
inline std::map<std::string, std::string> env_for(const FakeCloud& cloud, const std::string& name,
                                                  const std::string& fault = "",
                                                  const std::string& generic = "") {
  return env_for(cloud, provider(name).info(), fault, generic);
}

/// Every registered provider pointed at `cloud`; `changes` replaces or adds variables.
inline std::map<std::string, std::string> all_providers_env(
    const FakeCloud& cloud, const std::map<std::string, std::string>& changes = {}) {
  std::map<std::string, std::string> env;
  for (const providers::Provider* p : all_providers()) {
    for (auto& [name, value] : env_for(cloud, p->info())) env[name] = value;
  }
  for (const auto& [name, value] : changes) env[name] = value;
  return env;
}

}  // namespace gpubill::test
