variable "name" {
  description = "Name of the integration: used for the queue (`<name>`), its dead-letter queue (`<name>-dlq`), the consumer Lambda, role, log group and key alias."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1 to 56 letters, digits, '_' or '-'."
  }
}

variable "s3_bucket" {
  description = "S3 bucket holding the consumer's deployment package."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.s3_bucket))
    error_message = "s3_bucket must be a valid S3 bucket name."
  }
}

variable "s3_key" {
  description = "Key of the consumer's .zip package in s3_bucket. Its current version (data \"aws_s3_object\") is deployed, so a new upload updates the function."
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

variable "handler" {
  description = "Handler of the consumer Lambda (module.function for Python)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]+\\.[A-Za-z0-9_]+$", var.handler))
    error_message = "handler must look like module.function."
  }
}

variable "runtime" {
  description = "Lambda runtime of the consumer."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13", "nodejs20.x", "nodejs22.x", "java21", "provided.al2023"], var.runtime)
    error_message = "runtime must be one of python3.11, python3.12, python3.13, nodejs20.x, nodejs22.x, java21, provided.al2023."
  }
}

variable "architecture" {
  description = "Instruction set of the consumer Lambda."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory of the consumer Lambda in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the consumer Lambda. The queue's visibility timeout is six times this (AWS's recommendation for SQS event sources)."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be between 1 and 900."
  }
}

variable "environment_variables" {
  description = "Non-secret environment variables of the consumer (secrets: pass a secret name and read it at run time)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !startswith(k, "AWS_")])
    error_message = "Environment variable names must be letters, digits and underscores, start with a letter and not use the reserved AWS_ prefix."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency limit of the consumer function."
  type        = number
  default     = 10

  validation {
    condition     = var.reserved_concurrent_executions >= 2
    error_message = "reserved_concurrent_executions must be at least 2 (the SQS event source's minimum maximum_concurrency)."
  }
}

variable "batch_size" {
  description = "Messages per Lambda invocation."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the event source waits to fill a batch (required above 0 when batch_size > 10)."
  type        = number
  default     = 0

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be between 0 and 300."
  }
}

variable "max_receive_count" {
  description = "Receives of a message before it moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "message_retention_seconds" {
  description = "How long the main queue keeps a message."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be between 60 and 1209600."
  }
}

variable "sender_role_arns" {
  description = "IAM roles allowed by the queue policy to send messages (they also need kms:GenerateDataKey/Decrypt on kms_key_arn: see send_policy_json)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sender_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "sender_role_arns must hold IAM role ARNs without wildcards."
  }
}

variable "service_senders" {
  description = "AWS services that send to the queue on behalf of one resource each (e.g. `s3.amazonaws.com` for one bucket's event notifications): the queue policy lets the service send only for `source_arn` in this account, and the key policy lets it encrypt those messages."
  type = list(object({
    service    = string
    source_arn = string
  }))
  default = []

  validation {
    condition     = alltrue([for sender in var.service_senders : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", sender.service)) && can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:", sender.source_arn)) && !strcontains(sender.source_arn, "*")])
    error_message = "service_senders need a service principal (<service>.amazonaws.com) and a source ARN without wildcards."
  }
}

variable "subnet_ids" {
  description = "Subnets to run the consumer in (empty: outside a VPC)."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups of the consumer when subnet_ids is set."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.security_group_ids) > 0 || length(var.subnet_ids) == 0
    error_message = "security_group_ids must be set when subnet_ids is set."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing mode of the consumer."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the consumer's CloudWatch log group."
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
