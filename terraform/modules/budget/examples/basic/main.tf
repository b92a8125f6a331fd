# A monthly budget for one environment's tagged resources, with the default alerts, by email.
# Planned against the local AWS emulator by tests/integration/test_seed_modules.py (moto's Budgets
# API cannot read a budget's subscribers back, and it has no Cost Anomaly Detection: docs/local-aws.md).

module "budget" {
  source = "../.."

  name              = "example-prod-monthly"
  monthly_limit_usd = 1500
  cost_filters      = { TagKeyValue = ["user:Environment$prod"] }
  alert_emails      = ["platform-team@example.com"]
  anomaly_detection = var.anomaly_detection
}
