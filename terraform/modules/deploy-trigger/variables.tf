variable "name" {
  description = "Name of the deployer: used for the Lambda function, its role, log group, queues, rule and (by default) lock table, e.g. `platform-dev-deployer`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1 to 56 letters, digits, '_' or '-' (it gets suffixes such as '-dlq')."
  }
}

variable "environment" {
  description = "Environment this deployer serves (dev, staging, prod); names the SSM parameter `/pipeline-tools/<environment>/deploy-targets`."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,31}$", var.environment))
    error_message = "environment must be 1 to 32 lowercase letters, digits or '-'."
  }
}

variable "s3_bucket" {
  description = "S3 bucket holding the deployer package built by `pipeline-tools deploy package` (the artifacts bucket of bootstrap)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.s3_bucket))
    error_message = "s3_bucket must be a valid S3 bucket name."
  }
}

variable "s3_key" {
  description = "Key of the deployer package in s3_bucket. Its current version (data \"aws_s3_object\") is deployed, so a new upload updates the function."
  type        = string

  validation {
    condition     = length(var.s3_key) > 0 && endswith(var.s3_key, ".zip")
    error_message = "s3_key must name a .zip object."
  }
}

variable "read_package_version" {
  description = "Read the package object's current version from S3 (data \"aws_s3_object\"), so a new upload updates the function. False when the caller publishes the package itself (an aws_s3_object resource) and passes its version as `s3_object_version`: the object need not exist before the plan."
  type        = bool
  default     = true
  nullable    = false
}

variable "s3_object_version" {
  description = "Version of the package object to deploy, when `read_package_version` is false (the caller's aws_s3_object version_id; null or \"\" on an unversioned bucket: the current object)."
  type        = string
  default     = null

  validation {
    condition     = var.s3_object_version == null || can(regex("^[^\\s]{0,1000}$", coalesce(var.s3_object_version, "x")))
    error_message = "s3_object_version must be an S3 object version id (no spaces, at most 1,000 characters)."
  }
}

variable "runtime" {
  description = "Python runtime of the deployer Lambda."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.11", "python3.12"], var.runtime)
    error_message = "runtime must be python3.11 or python3.12."
  }
}

variable "architecture" {
  description = "Instruction set of the Lambda (the package is pure Python, both work)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory of the Lambda in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "lambda_timeout_seconds" {
  description = "Lambda timeout. Must exceed deploy_timeout_seconds so the function can report a timed-out rollout."
  type        = number
  default     = 900

  validation {
    condition     = var.lambda_timeout_seconds >= 60 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be between 60 and 900."
  }
}

variable "deploy_timeout_seconds" {
  description = "How long the deployer follows a rollout before calling it timed out (DEPLOY_TIMEOUT_SECONDS)."
  type        = number
  default     = 780

  validation {
    condition     = var.deploy_timeout_seconds >= 30 && var.deploy_timeout_seconds <= 870
    error_message = "deploy_timeout_seconds must be between 30 and 870 (the Lambda limit is 900 s and the function needs time to report)."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency limit of the deployer. Deploys of one service are serialised by the lock table anyway."
  type        = number
  default     = 5

  validation {
    condition     = var.reserved_concurrent_executions >= 1 && var.reserved_concurrent_executions <= 100
    error_message = "reserved_concurrent_executions must be between 1 and 100."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation by Lambda (e.g. the service lock is busy) before the event goes to the dead-letter queue."
  type        = number
  default     = 2

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 2
    error_message = "maximum_retry_attempts must be 0, 1 or 2."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "Maximum age of an event for Lambda's asynchronous retries and EventBridge's delivery retries; older events go to the dead-letter queue."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 21600
    error_message = "maximum_event_age_in_seconds must be between 60 and 21600."
  }
}

variable "eventbridge_maximum_retry_attempts" {
  description = "Retries of EventBridge when it cannot deliver the event to the Lambda."
  type        = number
  default     = 10

  validation {
    condition     = var.eventbridge_maximum_retry_attempts >= 0 && var.eventbridge_maximum_retry_attempts <= 185
    error_message = "eventbridge_maximum_retry_attempts must be between 0 and 185."
  }
}

variable "deploy_targets" {
  description = "Which ECR repository and tag pattern (glob) deploys to which cluster/service/container. Published as JSON in the SSM parameter; the repositories also filter the EventBridge rule."
  type = list(object({
    repository  = string
    tag_pattern = optional(string, "*")
    environment = string
    cluster     = string
    service     = string
    container   = string
  }))

  validation {
    condition     = length(var.deploy_targets) >= 1
    error_message = "deploy_targets must hold at least one target."
  }

  validation {
    condition     = alltrue([for t in var.deploy_targets : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", t.repository)) && length(t.repository) >= 2 && length(t.repository) <= 256])
    error_message = "Each deploy target's repository must be an ECR repository name (e.g. platform/api)."
  }

  validation {
    condition     = alltrue([for t in var.deploy_targets : can(regex("^[A-Za-z0-9_-]{1,255}$", t.cluster)) && can(regex("^[A-Za-z0-9_-]{1,255}$", t.service)) && can(regex("^[A-Za-z0-9_-]{1,255}$", t.container))])
    error_message = "Each deploy target's cluster, service and container must be names of letters, digits, '_' or '-' (not ARNs)."
  }

  validation {
    condition     = alltrue([for t in var.deploy_targets : length(t.tag_pattern) >= 1 && length(t.tag_pattern) <= 128 && length(t.environment) >= 1])
    error_message = "Each deploy target needs a tag_pattern of 1 to 128 characters and a non-empty environment."
  }
}

variable "deploy_targets_parameter_name" {
  description = "Name of the SSM parameter holding the deploy targets JSON. Null means `/pipeline-tools/<environment>/deploy-targets`."
  type        = string
  default     = null

  validation {
    condition     = var.deploy_targets_parameter_name == null || can(regex("^/[A-Za-z0-9_./-]+$", coalesce(var.deploy_targets_parameter_name, "/x")))
    error_message = "deploy_targets_parameter_name must be an absolute SSM parameter path."
  }
}

variable "lock_table_name" {
  description = "Name of the deployer's DynamoDB lock table (hash key `lock_id`, TTL `expires_at`). Null means `<name>-locks`."
  type        = string
  default     = null

  validation {
    condition     = var.lock_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", coalesce(var.lock_table_name, "xxx")))
    error_message = "lock_table_name must be 3 to 255 characters of letters, digits, '_', '-' or '.'."
  }
}

variable "pass_role_arns" {
  description = "ARNs of the ECS task and execution roles the deployer may pass when it registers a new task definition revision."
  type        = list(string)

  validation {
    condition     = length(var.pass_role_arns) >= 1 && alltrue([for arn in var.pass_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "pass_role_arns must hold IAM role ARNs without wildcards."
  }
}

variable "slack_webhook_secret_id" {
  description = "Optional Secrets Manager secret name or ARN (or `ssm:<parameter name>` for an SSM SecureString) holding the Slack incoming-webhook URL (SLACK_WEBHOOK_SECRET_ID)."
  type        = string
  default     = null

  validation {
    condition     = var.slack_webhook_secret_id == null || can(regex("^(ssm:/?[A-Za-z0-9_./-]+|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]+)$", coalesce(var.slack_webhook_secret_id, "x")))
    error_message = "slack_webhook_secret_id must be a secret name, a secret ARN or ssm:<parameter name>, without wildcards."
  }
}

variable "discord_webhook_secret_id" {
  description = "Optional Secrets Manager secret name or ARN (or `ssm:<parameter name>`) holding the Discord webhook URL (DISCORD_WEBHOOK_SECRET_ID)."
  type        = string
  default     = null

  validation {
    condition     = var.discord_webhook_secret_id == null || can(regex("^(ssm:/?[A-Za-z0-9_./-]+|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]+)$", coalesce(var.discord_webhook_secret_id, "x")))
    error_message = "discord_webhook_secret_id must be a secret name, a secret ARN or ssm:<parameter name>, without wildcards."
  }
}

variable "webhook_kms_key_arns" {
  description = "KMS keys (customer managed) encrypting the webhook secrets or parameters, which the deployer may use to decrypt them."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.webhook_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "webhook_kms_key_arns must hold KMS key ARNs."
  }
}

variable "subnet_ids" {
  description = "Private subnets to run the deployer in (needs a route to AWS APIs and the chat webhooks). Empty runs it outside a VPC."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups of the deployer when subnet_ids is set."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.security_group_ids) > 0 || length(var.subnet_ids) == 0
    error_message = "security_group_ids must be set when subnet_ids is set."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing mode of the Lambda."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the deployer's CloudWatch log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the module's KMS key is deleted after it is scheduled for deletion."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "lock_table_deletion_protection" {
  description = "Protect the lock table against deletion."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of every IAM role this module creates (the github-oidc module's boundary for the environment, which the apply role requires); null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be a customer-managed IAM policy ARN."
  }
}
