// Hyperstack's records in FOCUS terms (docs/focus.md, "Hyperstack"). Services are the
// billing-history lists (hyperstack.md); non_discounted_bill and non_discounted_price_per_hour
// (hyperstack.md, metrics) are the list cost and price where an answer has them; contracts are
// reserved capacity, bought for a term.
#include "providers/hyperstack/hyperstack_provider.hpp"

namespace gpubill::providers::hyperstack {

model::FocusMapping focus_mapping() {
  model::FocusMapping m;
  m.provider_name = "Hyperstack";
  m.account_attributes = {"org_id"};
  m.list_cost_attribute = "non_discounted_bill";
  m.list_unit_price_attribute = "non_discounted_price_per_hour";
  m.rules = {
      {"vms", "Compute", "Virtual Machines", "Virtual Machines", "Virtual Machine"},
      {"volumes", "Storage", "Block Storage", "Volumes", "Volume"},
      {"snapshots", "Storage", "Backup Storage", "Snapshots", "Snapshot"},
      {"buckets", "Storage", "Object Storage", "Object Storage", "Bucket"},
      {"clusters", "Compute", "Containers", "Kubernetes", "Kubernetes Cluster"},
      {"contracts", "Compute", "Virtual Machines", "Contracts", "Contract", "Purchase", "Recurring"},
      {"serverless", "AI and Machine Learning", "Generative AI", "Serverless Inference", "Model"},
      {"fine-tuning", "AI and Machine Learning", "Machine Learning", "Fine-Tuning", "Fine-Tuning Job"},
      {"model-evaluation", "AI and Machine Learning", "Machine Learning", "Model Evaluation", "Evaluation"},
      {"data-synthesis", "AI and Machine Learning", "Generative AI", "Data Synthesis", "Job"},
      {"image-generation", "AI and Machine Learning", "Generative AI", "Image Generation", "Model"},
  };
  return m;
}

}  // namespace gpubill::providers::hyperstack
