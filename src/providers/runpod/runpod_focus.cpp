// Runpod's records in FOCUS terms (docs/focus.md, "Runpod"). Services are the billing
// families of runpod-v2-resources.md and runpod.md; Runpod's data-center ids ("EU-RO-1") are
// also their names. No answer names the account, so BillingAccountId is "default".
#include "providers/runpod/runpod_provider.hpp"

namespace gpubill::providers::runpod {

model::FocusMapping focus_mapping() {
  model::FocusMapping m;
  m.provider_name = "Runpod";
  m.region_is_name = true;
  m.rules = {
      {"pods", "Compute", "Virtual Machines", "Pods", "Pod"},
      {"endpoints", "Compute", "Serverless Compute", "Serverless", "Serverless Endpoint"},
      {"network-volumes", "Storage", "File Storage", "Network Volumes", "Network Volume"},
      {"clusters", "Compute", "Virtual Machines", "Instant Clusters", "Instant Cluster"},
      {"public-endpoints", "AI and Machine Learning", "Generative AI", "Public Endpoints", "Public Endpoint"},
  };
  return m;
}

}  // namespace gpubill::providers::runpod
