# A small stand-in for an environment root (promotion, status and runbook tests): like the real
# roots it reads its release file (variable `releases`) and resolves each repository URL from ECR.
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

variable "releases" {
  description = "Service name to the image it runs, by digest (from release.auto.tfvars.json)."
  type = map(object({
    repository    = string
    digest        = string
    tag           = optional(string, "")
    source_commit = optional(string, "")
  }))
}

data "aws_ecr_repository" "service" {
  for_each = var.releases
  name     = each.value.repository
}

resource "aws_ssm_parameter" "image" {
  for_each = var.releases
  name     = "/env-root/${basename(abspath(path.root))}/${each.key}/image"
  type     = "String"
  value    = "${data.aws_ecr_repository.service[each.key].repository_url}@${each.value.digest}"
}
