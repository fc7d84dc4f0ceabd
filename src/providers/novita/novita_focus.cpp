// Novita's records in FOCUS terms (docs/focus.md, "Novita"). Categories are novita.md's
// productCategory / category values; a subscription (billingMethod 2, the adapter's
// gpubill_billing_method "subscription") is bought for its cycle: a recurring purchase.
// Bills and usage lines carry userId, the account.
#include "providers/novita/novita_provider.hpp"

namespace gpubill::providers::novita {

model::FocusMapping focus_mapping() {
  model::FocusMapping m;
  m.provider_name = "Novita AI";
  m.account_attributes = {"userId"};
  m.sku_attributes = {"productId"};
  m.subscription_attribute = "gpubill_billing_method";
  m.subscription_value = "subscription";
  m.rules = {
      {"gpu", "Compute", "Virtual Machines", "GPU Instances", "GPU Instance"},
      {"bare_metal", "Compute", "Virtual Machines", "Bare Metal", "Bare Metal Server"},
      {"serverless", "Compute", "Serverless Compute", "Serverless GPUs", "Serverless Endpoint"},
      {"cloud_sandbox", "Compute", "Other (Compute)", "Agent Sandbox", "Sandbox"},
      {"cloud_storage", "Storage", "File Storage", "Cloud Storage", "Network Volume"},
      {"local_storage", "Storage", "Block Storage", "Local Storage", "Local Disk"},
      {"image", "Storage", "Other (Storage)", "Image Storage", "Image"},
      {"llm", "AI and Machine Learning", "Generative AI", "LLM API", "Model"},
      {"llm_dedicated_endpoint", "AI and Machine Learning", "Generative AI", "Dedicated Endpoints", "Dedicated Endpoint"},
      {"gen_api", "AI and Machine Learning", "Generative AI", "Generation APIs", "Model"},
      {"web_search", "AI and Machine Learning", "Other (AI and Machine Learning)", "Web Search API", "API"},
  };
  return m;
}

}  // namespace gpubill::providers::novita
