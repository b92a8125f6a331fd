variable "github_owner" {
  description = "GitHub organisation or user that owns the repository (exact name, no wildcard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$", var.github_owner))
    error_message = "github_owner must be a GitHub owner name: 1 to 39 letters, digits or inner hyphens; wildcards such as '*' are not allowed."
  }
}

variable "github_repository" {
  description = "Repository name within github_owner (exact name, without the owner, no wildcard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,100}$", var.github_repository)) && !contains([".", ".."], var.github_repository)
    error_message = "github_repository must be a repository name of 1 to 100 letters, digits, '.', '_' or '-'; wildcards such as '*' and '/' are not allowed."
  }
}

variable "name_prefix" {
  description = "Prefix of the role names: `<name_prefix>-<environment>-terraform-plan` and `-terraform-apply`."
  type        = string
  default     = "platform"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,32}$", var.name_prefix))
    error_message = "name_prefix must be 1 to 32 characters valid in an IAM role name."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. Set false and pass oidc_provider_arn when it already exists (there can be only one per account)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing GitHub OIDC provider; required when create_oidc_provider is false, ignored otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", coalesce(var.oidc_provider_arn, "x")))
    error_message = "oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider."
  }
}

variable "oidc_thumbprints" {
  description = "Certificate thumbprints of token.actions.githubusercontent.com. AWS no longer checks them for this provider, but the API still stores them."
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]

  validation {
    condition     = length(var.oidc_thumbprints) >= 1 && alltrue([for t in var.oidc_thumbprints : can(regex("^[0-9a-fA-F]{40}$", t))])
    error_message = "oidc_thumbprints must hold at least one 40-hex-digit SHA-1 thumbprint."
  }
}

variable "environments" {
  description = <<-EOT
    Per environment (key = GitHub environment name, e.g. dev, staging, prod):
    - state_key_prefix: prefix of this environment's state objects in the state bucket (default `<env>/`);
    - iam_name_prefix: IAM roles, policies and instance profiles the apply role may manage must be named with this prefix (default `<name_prefix>-<env>-`);
    - apply_managed_policy_arns: managed policies of the apply role besides ReadOnlyAccess (default PowerUserAccess);
    - plan_additional_policy_arns: extra managed policies for the plan role (never secret reads: the plan role denies them explicitly);
    - attachable_policy_arns: managed policies, besides the environment's own `policy/<iam_name_prefix>*`, the apply role may attach to its roles (default: the AWS-managed service-role policies the modules use, RDS enhanced monitoring for the database, AWS_ConfigRole for the observability module's Config recorder and AWS Backup's backup and restore policies for the backups module);
    - pass_role_services: services the apply role may pass its environment's roles to (`iam:PassedToService`);
    - s3_replication_roles: roles (names after `iam_name_prefix`) the apply role may pass to S3 only, for S3 replication (default: the uploads module's `uploads-replication`).
  EOT
  type = map(object({
    state_key_prefix            = optional(string)
    iam_name_prefix             = optional(string)
    apply_managed_policy_arns   = optional(list(string), ["arn:aws:iam::aws:policy/PowerUserAccess"])
    plan_additional_policy_arns = optional(list(string), [])
    attachable_policy_arns = optional(list(string), [
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
      "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ])
    pass_role_services = optional(list(string), [
      "ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "monitoring.rds.amazonaws.com", "rds.amazonaws.com",
      "vpc-flow-logs.amazonaws.com", "cloudtrail.amazonaws.com", "config.amazonaws.com",
      "scheduler.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com",
    ])
    s3_replication_roles = optional(list(string), ["uploads-replication"])
  }))

  validation {
    condition     = length(var.environments) >= 1 && alltrue([for env in keys(var.environments) : can(regex("^[A-Za-z0-9_-]{1,32}$", env))])
    error_message = "environments must have at least one entry, each key 1 to 32 letters, digits, '_' or '-' (no wildcard)."
  }

  validation {
    condition = alltrue([for env in values(var.environments) : alltrue([
      for arn in concat(env.apply_managed_policy_arns, env.plan_additional_policy_arns) : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/", arn))
    ])])
    error_message = "apply_managed_policy_arns and plan_additional_policy_arns must be IAM policy ARNs."
  }

  validation {
    condition = alltrue([for env in values(var.environments) : alltrue([
      for arn in env.attachable_policy_arns : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[^*?]+$", arn)) && !can(regex(":policy/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$", arn))
    ])])
    error_message = "attachable_policy_arns must be IAM policy ARNs without wildcards, and never AdministratorAccess, IAMFullAccess or PowerUserAccess."
  }

  validation {
    condition     = alltrue([for env in values(var.environments) : alltrue([for role in env.s3_replication_roles : can(regex("^[A-Za-z0-9+=,.@_-]+$", role))])])
    error_message = "s3_replication_roles must be role names (after iam_name_prefix) without wildcards."
  }

  validation {
    condition     = alltrue([for env in values(var.environments) : length(env.pass_role_services) > 0 && alltrue([for service in env.pass_role_services : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", service))])])
    error_message = "pass_role_services must list service principals such as ecs-tasks.amazonaws.com (no wildcard)."
  }

  validation {
    condition     = alltrue([for env in values(var.environments) : !contains(env.apply_managed_policy_arns, "arn:aws:iam::aws:policy/AdministratorAccess")])
    error_message = "AdministratorAccess is not allowed on an apply role: scope it (the default is PowerUserAccess plus IAM limited to the environment's name prefix)."
  }

  validation {
    condition     = alltrue([for env in values(var.environments) : env.state_key_prefix == null || can(regex("^[A-Za-z0-9!_.()'/-]+/$", coalesce(env.state_key_prefix, "x/")))])
    error_message = "state_key_prefix must end with '/' and contain no wildcard."
  }
}

variable "state_bucket_arn" {
  description = "ARN of the Terraform state bucket (state-backend module output state_bucket_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_arn))
    error_message = "state_bucket_arn must be an S3 bucket ARN."
  }
}

variable "state_kms_key_arn" {
  description = "ARN of the KMS key encrypting the state (state-backend module output kms_key_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN."
  }
}

variable "lock_table_arn" {
  description = "ARN of the DynamoDB lock table for Terraform < 1.10, or null when only S3 native locking is used."
  type        = string
  default     = null

  validation {
    condition     = var.lock_table_arn == null || can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/.+$", coalesce(var.lock_table_arn, "x")))
    error_message = "lock_table_arn must be a DynamoDB table ARN."
  }
}

variable "max_session_duration" {
  description = "Maximum session duration of the roles, in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "permissions_boundary_arn" {
  description = "Optional permissions boundary attached to every role."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "drift_environment" {
  description = "GitHub environment the scheduled drift check runs in (drift.yml). Jobs bound to it may assume each environment's read-only plan role. null: plan roles trust pull requests only."
  type        = string
  default     = "drift"

  validation {
    condition     = var.drift_environment == null || can(regex("^[A-Za-z0-9._-]{1,255}$", var.drift_environment))
    error_message = "drift_environment must be a GitHub environment name without wildcards (letters, digits, '.', '_', '-')."
  }
}

variable "pull_request_plan_environments" {
  description = "Environments whose plan role pull_request workflows may assume (`repo:OWNER/REPO:pull_request`). null: every environment, which the pull-request workflow needs to record each environment's reviewed plan fingerprint; the plan roles read no secret and the state holds none (docs/least-privilege.md). List fewer to keep pull requests away from staging's and prod's state."
  type        = list(string)
  default     = null

  validation {
    condition     = var.pull_request_plan_environments == null || alltrue([for env in coalesce(var.pull_request_plan_environments, []) : contains(keys(var.environments), env)])
    error_message = "pull_request_plan_environments must name environments of var.environments."
  }
}
