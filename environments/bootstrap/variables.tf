variable "aws_region" {
  description = "Region of the state backend, the artifacts bucket and the ECR repositories."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as us-east-1."
  }
}

variable "project" {
  description = "Project prefix of every name (buckets `<project>-tfstate-<account>` and `<project>-artifacts-<account>`, roles `<project>-<env>-terraform-*`)."
  type        = string
  default     = "platform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be 2 to 21 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environments" {
  description = "Environments that get a GitHub plan role and apply role (and a state key prefix `<env>/`)."
  type        = set(string)
  default     = ["dev", "staging", "prod"]

  validation {
    condition     = length(var.environments) > 0 && alltrue([for env in var.environments : can(regex("^[a-z][a-z0-9-]{1,15}$", env))])
    error_message = "environments must be a non-empty set of short lowercase names."
  }
}

variable "github_owner" {
  description = "GitHub organisation or user owning the repository whose workflows assume the roles (exact, no wildcard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}$", var.github_owner))
    error_message = "github_owner must be a GitHub user or organisation name."
  }
}

variable "github_repository" {
  description = "Repository name (without the owner) whose workflows assume the roles (exact, no wildcard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be a GitHub repository name."
  }
}

variable "application_repository" {
  description = "Repository name (same owner) whose CI builds the images and pushes them with the ECR push role, from its main branch only; null: `github_repository` itself."
  type        = string
  default     = null

  validation {
    condition     = var.application_repository == null || can(regex("^[A-Za-z0-9._-]{1,100}$", var.application_repository))
    error_message = "application_repository must be a GitHub repository name (without the owner)."
  }
}

variable "ecr_repositories" {
  description = "ECR repositories shared by every environment (a digest verified in staging is the same artifact in prod)."
  type        = set(string)
  default     = ["platform/api"]

  validation {
    condition     = alltrue([for repo in var.ecr_repositories : can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", repo))])
    error_message = "ecr_repositories must be valid ECR repository names."
  }
}

variable "create_lock_table" {
  description = "Also create a DynamoDB lock table for Terraform versions without S3 native locking (`use_lockfile`)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy delete the state, artifacts and log buckets and the ECR repositories while they still hold objects or images. Keep false: only throwaway runs (the local emulator) set it, with -var."
  type        = bool
  default     = false
}

variable "pull_request_plan_environments" {
  description = "Environments whose read-only plan role pull-request workflows may assume; null: all (the pull-request workflow records each environment's reviewed plan). See docs/least-privilege.md."
  type        = list(string)
  default     = null
}

variable "recovery_region" {
  description = "Region of the recovery vault (`<project>-recovery`, AWS Backup) the environments copy their recovery points to (prod's `add_ons.backups.copy_region` names the same region) and of the uploads replica bucket (`<project>-uploads-replica-<account id>`, prod's `add_ons.uploads.replica_region`); null: neither."
  type        = string
  default     = null

  validation {
    condition     = var.recovery_region == null || can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", coalesce(var.recovery_region, "x")))
    error_message = "recovery_region must be an AWS region name such as us-west-2 (another region than aws_region: a copy in the same region survives nothing a region loses)."
  }
}
