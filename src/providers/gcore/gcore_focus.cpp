// Gcore's records in FOCUS terms (docs/focus.md, "Gcore"). Types are gcore.md 1.4's enum;
// region is Gcore's numeric region id (no name in the answer); tags are the rows' optional
// `tags` (gcore.md 2.x: [{key: value}]); the flavor is the price's SKU.
#include "providers/gcore/gcore_provider.hpp"

namespace gpubill::providers::gcore {

model::FocusMapping focus_mapping() {
  model::FocusMapping m;
  m.provider_name = "Gcore";
  m.sku_attributes = {"flavor"};
  m.tags_attribute = "tags";
  m.rules = {
      {"ai_cluster", "Compute", "Virtual Machines", "AI Infrastructure", "GPU Cluster"},
      {"ai_virtual_cluster", "Compute", "Virtual Machines", "AI Virtual", "GPU Virtual Machine"},
      {"baremetal", "Compute", "Virtual Machines", "Bare Metal", "Bare Metal Server"},
      {"basic_vm", "Compute", "Virtual Machines", "Basic VM", "Virtual Machine"},
      {"instance", "Compute", "Virtual Machines", "Virtual Instances", "Virtual Machine"},
      {"containers", "Compute", "Containers", "Container as a Service", "Container"},
      {"functions", "Compute", "Serverless Compute", "Functions", "Function"},
      {"functions_calls", "Compute", "Serverless Compute", "Functions", "Function"},
      {"functions_traffic", "Compute", "Serverless Compute", "Functions", "Function"},
      {"inference", "AI and Machine Learning", "Machine Learning", "Everywhere Inference", "Inference Deployment"},
      {"volume", "Storage", "Block Storage", "Volumes", "Volume"},
      {"snapshot", "Storage", "Backup Storage", "Snapshots", "Snapshot"},
      {"backup", "Storage", "Backup Storage", "Backups", "Backup"},
      {"image", "Storage", "Other (Storage)", "Images", "Image"},
      {"file_share", "Storage", "File Storage", "File Shares", "File Share"},
      {"egress_traffic", "Networking", "Network Connectivity", "Egress Traffic", "Network Interface"},
      {"floatingip", "Networking", "Network Infrastructure", "Floating IPs", "Floating IP"},
      {"external_ip", "Networking", "Network Infrastructure", "External IPs", "External IP"},
      {"load_balancer", "Networking", "Application Networking", "Load Balancers", "Load Balancer"},
      {"log_index", "Management and Governance", "Observability", "Logging", "Log Index"},
      {"dbaas_postgresql_connection_pooler", "Databases", "Relational Databases", "Managed PostgreSQL", "Database"},
      {"dbaas_postgresql_cpu", "Databases", "Relational Databases", "Managed PostgreSQL", "Database"},
      {"dbaas_postgresql_memory", "Databases", "Relational Databases", "Managed PostgreSQL", "Database"},
      {"dbaas_postgresql_public_network", "Databases", "Relational Databases", "Managed PostgreSQL", "Database"},
      {"dbaas_postgresql_volume", "Databases", "Relational Databases", "Managed PostgreSQL", "Database"},
  };
  return m;
}

}  // namespace gpubill::providers::gcore
