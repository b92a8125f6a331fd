output "budget_name" {
  description = "The example's budget."
  value       = module.budget.budget_name
}

output "anomaly_monitor_arn" {
  description = "The example's anomaly monitor."
  value       = module.budget.anomaly_monitor_arn
}
