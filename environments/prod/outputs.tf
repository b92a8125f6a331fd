# Descriptions: terraform/platform/README.md.
output "cluster_name" { value = module.platform.cluster_name }
output "service_name" { value = module.platform.service_name }
output "container_name" { value = module.platform.container_name }
output "services" { value = module.platform.services }
output "api_image" { value = module.platform.api_image }
output "api_url" { value = module.platform.api_url }
output "frontend_url" { value = module.platform.frontend_url }
output "frontend_bucket_name" { value = module.platform.frontend_bucket_name }
output "frontend_distribution_id" { value = module.platform.frontend_distribution_id }
output "zone_name_servers" { value = module.platform.zone_name_servers }
output "alerts_topic_arn" { value = module.platform.alerts_topic_arn }
output "deploy_lock_table_name" { value = module.platform.deploy_lock_table_name }
output "deploy_targets_parameter_name" { value = module.platform.deploy_targets_parameter_name }
output "deployer_function_name" { value = module.platform.deployer_function_name }
