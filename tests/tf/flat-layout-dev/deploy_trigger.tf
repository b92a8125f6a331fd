# dev only: every push to ECR deploys to dev (EventBridge -> deployer Lambda). The Lambda package
# is built by `pipeline-tools deploy package` and uploaded to bootstrap's artifacts bucket.

module "deploy_trigger" {
  source = "../../terraform/modules/deploy-trigger"

  name        = "${local.name}-deployer"
  environment = var.environment
  s3_bucket   = "${var.project}-artifacts-${local.account_id}"
  s3_key      = var.deployer_package_s3_key
  deploy_targets = [{
    repository  = var.releases["api"].repository
    tag_pattern = "*"
    environment = var.environment
    cluster     = module.ecs.cluster_name
    service     = module.ecs.service_name
    container   = module.ecs.container_name
  }]
  pass_role_arns                 = [module.ecs.task_role_arn, module.ecs.execution_role_arn]
  lock_table_deletion_protection = !var.allow_destroy
  log_retention_in_days          = var.log_retention_days
  slack_webhook_secret_id        = var.slack_webhook_secret_id
  discord_webhook_secret_id      = var.discord_webhook_secret_id

  permissions_boundary_arn = local.permissions_boundary_arn
}
