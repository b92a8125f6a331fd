# Bootstrap: what every environment relies on and what must exist before the first pipeline run.
# - state backend: versioned, KMS-encrypted S3 bucket (S3 native locking) + DynamoDB lock table
# - artifacts bucket (the deployer Lambda package)
# - GitHub OIDC provider with a read-only plan role and an apply role per environment
# - the recovery vault in another region (recovery_region) that prod's backups are copied to, and
#   the replica bucket prod's uploads (user data) are replicated to
# - ECR repositories shared by all environments, and the push role of the application repository's CI

data "aws_caller_identity" "current" {}

locals {
  account_id            = data.aws_caller_identity.current.account_id
  state_bucket_name     = "${var.project}-tfstate-${local.account_id}"
  artifacts_bucket_name = "${var.project}-artifacts-${local.account_id}"
}

module "state_backend" {
  source = "../../terraform/modules/state-backend"

  state_bucket_name     = local.state_bucket_name
  lock_table_name       = var.create_lock_table ? "${var.project}-terraform-locks" : null
  artifacts_bucket_name = local.artifacts_bucket_name
  force_destroy         = var.force_destroy
}

module "github_oidc" {
  source = "../../terraform/modules/github-oidc"

  name_prefix       = var.project
  github_owner      = var.github_owner
  github_repository = var.github_repository
  environments      = { for env in var.environments : env => {} }
  state_bucket_arn  = module.state_backend.state_bucket_arn
  state_kms_key_arn = module.state_backend.kms_key_arn
  lock_table_arn    = module.state_backend.lock_table_arn

  pull_request_plan_environments = var.pull_request_plan_environments
}

module "ecr" {
  source = "../../terraform/modules/ecr"

  repositories  = var.ecr_repositories
  kms_key_alias = "${var.project}-ecr"
  force_delete  = var.force_destroy
}

# The application repository's CI pushes images with this role (OIDC, no keys): push-only, to the
# repositories above and nothing else. It lives here because bootstrap owns both the ECR
# repositories and the OIDC provider it trusts; the environments only read the repositories.
module "ecr_push_role" {
  source = "../../terraform/modules/ecr-push-role"

  name              = "${var.project}-ecr-push"
  oidc_provider_arn = module.github_oidc.oidc_provider_arn
  github_owner      = var.github_owner
  github_repository = coalesce(var.application_repository, var.github_repository)
  git_refs          = ["refs/heads/main"]
  repository_names  = module.ecr.repository_names
}

# The recovery region's vault: an instance of the backups module with no resources of its own,
# only the vault (and its key) the environments' plans copy every recovery point to. One per
# account, so bootstrap owns it; the environment roots have no provider for that region.
module "recovery_vault" {
  source    = "../../terraform/modules/backups"
  count     = var.recovery_region == null ? 0 : 1
  providers = { aws = aws.recovery }

  name          = "${var.project}-recovery"
  resource_arns = []
  # A throwaway bootstrap (force_destroy) lets its key go after a week.
  kms_key_deletion_window_in_days = var.force_destroy ? 7 : 30
}

# The recovery region's replica bucket: prod's uploads bucket replicates every upload and delete
# marker here (the uploads module's `replication`), re-encrypted with this bucket's key, which prod
# names by its alias. One per account, like the vault; the environment roots have no provider here.
module "uploads_replica" {
  source    = "../../terraform/modules/replica-bucket"
  count     = var.recovery_region == null ? 0 : 1
  providers = { aws = aws.recovery }

  bucket_name    = "${var.project}-uploads-replica-${local.account_id}"
  kms_alias_name = "${var.project}-uploads-replica"
  force_destroy  = var.force_destroy
  # A throwaway bootstrap (force_destroy) lets its key go after a week.
  kms_key_deletion_window_in_days = var.force_destroy ? 7 : 30
}
