// The one list of providers. A new provider is one folder under providers/ and one line here.
#include "gpubill/providers/registry.hpp"

#include "gpubill/util/error.hpp"

#include "providers/gcore/gcore_provider.hpp"
#include "providers/hyperstack/hyperstack_provider.hpp"
#include "providers/novita/novita_provider.hpp"
#include "providers/runpod/runpod_provider.hpp"
#include "providers/vast/vast_provider.hpp"

namespace gpubill::providers {

model::Balance Provider::fetch_balance(const FetchRequest& request, transport::Transport&) const {
  throw UsageError(info().name + ": '" + request.resource + "' has no balance");
}

const std::vector<std::unique_ptr<Provider>>& registry() {
  static const std::vector<std::unique_ptr<Provider>> all = make_all_providers();
  return all;
}

const Provider* find_provider(std::string_view name) {
  for (const std::unique_ptr<Provider>& p : registry()) {
    if (p->info().name == name) return p.get();
  }
  return nullptr;
}

std::vector<std::unique_ptr<Provider>> make_all_providers() {
  std::vector<std::unique_ptr<Provider>> all;
  all.push_back(runpod::make_provider());
  all.push_back(novita::make_provider());
  all.push_back(gcore::make_provider());
  all.push_back(hyperstack::make_provider());
  all.push_back(vast::make_provider());
  return all;
}

bool gpu_type_is(const model::CostRecord& record, const std::string& value) { return record.gpu_type == value; }
bool resource_id_is(const model::CostRecord& record, const std::string& value) {
  return record.resource_id == value;
}
bool service_is(const model::CostRecord& record, const std::string& value) { return record.service == value; }
bool region_is(const model::CostRecord& record, const std::string& value) { return record.region == value; }

}  // namespace gpubill::providers
