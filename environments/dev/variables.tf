# Set in terraform.tfvars (sizing) and release.auto.tfvars.json (images). Types, descriptions and
# validation live in one place, terraform/platform/variables.tf; null means the platform's default.
variable "aws_region" { default = "us-east-1" }
variable "allowed_account_ids" { default = null } # the account(s) this environment may touch
variable "project" { default = null }
variable "environment" {}
variable "domain_name" {}
variable "hosted_zone" { default = null }
variable "network" {}
variable "services" {}
variable "releases" { default = {} }
variable "database" {}
variable "cache" {}
variable "log_retention_days" { default = null }
variable "allow_destroy" { default = false } # throwaway runs only (docs/local-aws.md)
variable "google_client_id" { default = null }
variable "integrations" { default = null }
variable "alarm_email_addresses" { default = null }
variable "pager_https_endpoints" { default = null }
variable "account_detectors" { default = null }
variable "budget" { default = null }
variable "deployer_package_s3_key" { default = null }
variable "deployer_package_path" { default = null } # built by `pipeline-tools deploy package --root`
variable "deploy_on_image_push" { default = null }  # ECR push -> ECS roll-out (dev)
variable "slack_webhook_secret_id" { default = null }
variable "discord_webhook_secret_id" { default = null }
variable "add_ons" { default = null } # service discovery, backups, scheduled tasks, uploads
