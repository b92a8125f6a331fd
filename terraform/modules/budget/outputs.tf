output "budget_name" {
  description = "Name of the monthly budget."
  value       = aws_budgets_budget.monthly.name
}

output "budget_arn" {
  description = "ARN of the monthly budget."
  value       = aws_budgets_budget.monthly.arn
}

output "anomaly_monitor_arn" {
  description = "ARN of the Cost Anomaly Detection monitor, or null when anomaly_detection is off."
  value       = var.anomaly_detection ? aws_ce_anomaly_monitor.services[0].arn : null
}

output "anomaly_subscription_arn" {
  description = "ARN of the anomaly subscription, or null when anomaly_detection is off."
  value       = var.anomaly_detection ? aws_ce_anomaly_subscription.this[0].arn : null
}
