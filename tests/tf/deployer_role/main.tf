# dev's deployer as terraform/platform (module "deploy_trigger") creates it, for
# tests/integration/test_least_privilege.py: the same module with the inputs the composition
# passes for dev's services (api and admin in cluster platform-dev; each service's task and
# execution role may be passed; dev's permissions boundary). Only the package location differs:
# the test uploads a stand-in package to `package_bucket` before applying. Copied next to a copy of
# terraform/modules (the relative source below), never applied in place.
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {}

variable "package_bucket" {
  description = "Bucket holding the deployer package (uploaded by the test)."
  type        = string
}

data "aws_caller_identity" "current" {}

locals {
  project     = "platform"
  environment = "dev"
  name        = "${local.project}-${local.environment}"
  iam         = "arn:aws:iam::${data.aws_caller_identity.current.account_id}"
  # terraform/platform's services, as module "ecs" names them: cluster = project-environment,
  # roles <cluster>-<service>-task / -execution, repository <project>/<service>.
  services = ["admin", "api"]
}

module "deploy_trigger" {
  source = "../../terraform/modules/deploy-trigger"

  name        = "${local.name}-deployer"
  environment = local.environment
  s3_bucket   = var.package_bucket
  s3_key      = "deployer/pipeline-tools-deployer.zip"
  deploy_targets = [for service in local.services : {
    repository  = "${local.project}/${service}"
    tag_pattern = "*"
    environment = local.environment
    cluster     = local.name
    service     = service
    container   = service
  }]
  pass_role_arns = flatten([for service in local.services : [
    "${local.iam}:role/${local.name}-${service}-task",
    "${local.iam}:role/${local.name}-${service}-execution",
  ]])
  lock_table_deletion_protection = false

  permissions_boundary_arn = "${local.iam}:policy/platform-boundaries/platform-dev-permissions-boundary"
}
