// Vast.ai's records in FOCUS terms (docs/focus.md, "Vast.ai"). Charge types are vast.md 3's
// `instance`, `volume` and `serverless`; no answer names the account.
#include "providers/vast/vast_provider.hpp"

namespace gpubill::providers::vast {

model::FocusMapping focus_mapping() {
  model::FocusMapping m;
  m.provider_name = "Vast.ai";
  m.rules = {
      {"instance", "Compute", "Virtual Machines", "GPU Instances", "Instance"},
      {"volume", "Storage", "Block Storage", "Volumes", "Volume"},
      {"serverless", "Compute", "Serverless Compute", "Serverless", "Serverless Endpoint"},
  };
  return m;
}

}  // namespace gpubill::providers::vast
