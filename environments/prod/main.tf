# The prod environment: the platform composition (terraform/platform) with prod's sizing from
# terraform.tfvars and its images from release.auto.tfvars.json.
module "platform" {
  source    = "../../terraform/platform"
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  project                   = var.project
  environment               = var.environment
  aws_region                = var.aws_region
  domain_name               = var.domain_name
  hosted_zone               = var.hosted_zone
  network                   = var.network
  services                  = var.services
  releases                  = var.releases
  database                  = var.database
  cache                     = var.cache
  log_retention_days        = var.log_retention_days
  allow_destroy             = var.allow_destroy
  google_client_id          = var.google_client_id
  integrations              = var.integrations
  alarm_email_addresses     = var.alarm_email_addresses
  pager_https_endpoints     = var.pager_https_endpoints
  account_detectors         = var.account_detectors
  budget                    = var.budget
  deployer_package_s3_key   = var.deployer_package_s3_key
  deployer_package_path     = var.deployer_package_path
  deploy_on_image_push      = var.deploy_on_image_push
  slack_webhook_secret_id   = var.slack_webhook_secret_id
  discord_webhook_secret_id = var.discord_webhook_secret_id
  add_ons                   = var.add_ons
}
