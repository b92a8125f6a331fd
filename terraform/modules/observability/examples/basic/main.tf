# The account-wide audit of one environment that owns it: a multi-region CloudTrail trail, a
# GuardDuty detector and an AWS Config recorder with managed rules, all alerting to one encrypted
# topic. No service alarms (no cluster, load balancer or database here).
# Applied, re-planned clean and destroyed against the local AWS emulator by
# tests/integration/test_seed_modules.py.

module "observability" {
  source = "../.."

  name                  = var.name
  alarm_email_addresses = ["platform-team@example.com"]
  enable_cloudtrail     = true
  enable_guardduty      = true
  enable_config         = true
  config_managed_rules  = ["CLOUD_TRAIL_ENABLED", "ENCRYPTED_VOLUMES", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"]
  # A throwaway example: destroy may delete the bucket with what was delivered to it.
  force_destroy                   = true
  kms_key_deletion_window_in_days = 7
}
