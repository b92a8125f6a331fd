# Alarms reach people: the alarm topic -> the alarm notifier Lambda -> Slack / Discord. It runs
# from the same package as the deployer (bootstrap's artifacts bucket), which is why only dev has
# it until staging and prod publish that package too.

module "alarm_chat" {
  source = "../../terraform/modules/alarm-chat"

  name                      = "${local.name}-alarm-chat"
  topic_arn                 = module.observability.alerts_topic_arn
  s3_bucket                 = "${var.project}-artifacts-${local.account_id}"
  s3_key                    = var.deployer_package_s3_key
  slack_webhook_secret_id   = var.slack_webhook_secret_id
  discord_webhook_secret_id = var.discord_webhook_secret_id
  pager_https_endpoints     = var.pager_https_endpoints
  log_retention_in_days     = var.log_retention_days
  permissions_boundary_arn  = local.permissions_boundary_arn
}
