variable "name" {
  description = "Prefix of every resource name (roles, log groups, queues, schedules, rules), e.g. `platform-dev-jobs`. Each task's resources are named `<name>-<task key>`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,32}$", var.name))
    error_message = "name must be 1 to 32 letters, digits, '_' or '-' (task keys and suffixes are appended)."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the tasks run in (the ecs module's `cluster_arn`)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN."
  }
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in (awsvpc networking, no public IP)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "subnet_ids must hold at least one subnet id (subnet-...)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the tasks' network interfaces."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "security_group_ids must hold at least one security group id (sg-...)."
  }
}

variable "tasks" {
  description = <<-EOT
    The tasks, by key (used in names). Each runs either on a schedule (`schedule_expression`:
    `cron(...)`, `rate(...)` or `at(...)`, through EventBridge Scheduler, in `schedule_timezone`) or when an
    event matches (`event_pattern`: an EventBridge pattern as JSON, on `event_bus_name`), never both.
    `image` should be pinned by digest. `task_role_policy_json` is what the task's own code may do
    (null: nothing). `command` overrides the image's command.
  EOT
  type = map(object({
    image                 = string
    cpu                   = optional(number, 256)
    memory                = optional(number, 512)
    cpu_architecture      = optional(string, "X86_64")
    command               = optional(list(string), [])
    environment           = optional(map(string), {})
    task_role_policy_json = optional(string)
    schedule_expression   = optional(string)
    schedule_timezone     = optional(string, "UTC")
    event_pattern         = optional(string)
    event_bus_name        = optional(string, "default")
    enabled               = optional(bool, true)
  }))

  validation {
    condition     = length(var.tasks) > 0 && alltrue([for key in keys(var.tasks) : can(regex("^[a-z0-9][a-z0-9-]{0,22}$", key))])
    error_message = "tasks must hold at least one task; keys are 1 to 23 lowercase letters, digits or '-'."
  }

  validation {
    condition     = alltrue([for task in values(var.tasks) : (task.schedule_expression == null) != (task.event_pattern == null)])
    error_message = "every task needs exactly one of schedule_expression and event_pattern."
  }

  validation {
    condition     = alltrue([for task in values(var.tasks) : task.schedule_expression == null || can(regex("^(cron|rate|at)\\(.+\\)$", coalesce(task.schedule_expression, "x")))])
    error_message = "schedule_expression must be cron(...), rate(...) or at(...)."
  }

  validation {
    condition     = alltrue([for task in values(var.tasks) : task.event_pattern == null || can(keys(jsondecode(coalesce(task.event_pattern, "x"))))])
    error_message = "event_pattern must be a JSON object (an EventBridge event pattern)."
  }

  validation {
    # The Fargate CPU / memory combinations AWS accepts.
    condition = alltrue([for task in values(var.tasks) : (
      task.cpu == 256 ? contains([512, 1024, 2048], task.memory) :
      task.cpu == 512 ? task.memory >= 1024 && task.memory <= 4096 && task.memory % 1024 == 0 :
      task.cpu == 1024 ? task.memory >= 2048 && task.memory <= 8192 && task.memory % 1024 == 0 :
      task.cpu == 2048 ? task.memory >= 4096 && task.memory <= 16384 && task.memory % 1024 == 0 :
      task.cpu == 4096 ? task.memory >= 8192 && task.memory <= 30720 && task.memory % 1024 == 0 :
      false
    )])
    error_message = "every task's cpu/memory must be a Fargate combination (cpu 256 to 4096, e.g. 256/512, 512/1024, 1024/2048)."
  }

  validation {
    condition     = alltrue([for task in values(var.tasks) : contains(["X86_64", "ARM64"], task.cpu_architecture)])
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }

  validation {
    condition     = alltrue([for task in values(var.tasks) : task.task_role_policy_json == null || can(jsondecode(coalesce(task.task_role_policy_json, "x")).Statement)])
    error_message = "task_role_policy_json must be an IAM policy document (JSON with a Statement)."
  }
}

variable "platform_version" {
  description = "Fargate platform version the tasks run on."
  type        = string
  default     = "LATEST"

  validation {
    condition     = can(regex("^(LATEST|[0-9]+\\.[0-9]+\\.[0-9]+)$", var.platform_version))
    error_message = "platform_version must be LATEST or a version such as 1.4.0."
  }
}

variable "maximum_retry_attempts" {
  description = "How often a failed RunTask call is retried before the invocation goes to the task's dead-letter queue."
  type        = number
  default     = 3

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 185
    error_message = "maximum_retry_attempts must be between 0 and 185."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "How long an invocation is retried before it goes to the dead-letter queue."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 86400
    error_message = "maximum_event_age_in_seconds must be between 60 and 86400."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to every role the module creates (the environment's boundary), or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "log_retention_in_days" {
  description = "Retention of each task's CloudWatch log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the module's KMS key (logs and dead-letter queues) is deleted after it is scheduled for deletion."
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
