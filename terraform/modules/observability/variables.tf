variable "name" {
  description = "Name prefix of the topic, alarms, dashboard, trail and buckets (e.g. `platform-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 40 lowercase letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the alerts topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "alarm_email_addresses must hold e-mail addresses."
  }
}

variable "ecs_cluster_name" {
  description = "ECS cluster whose services get CPU and memory alarms; null skips ECS alarms."
  type        = string
  default     = null
}

variable "ecs_service_names" {
  description = "ECS services (in ecs_cluster_name) to alarm on."
  type        = list(string)
  default     = []
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (`app/<name>/<id>`, the alb module's `arn_suffix`) for 5xx alarms; null skips them."
  type        = string
  default     = null

  validation {
    condition     = var.alb_arn_suffix == null || can(regex("^app/[A-Za-z0-9-]+/[0-9a-f]+$", coalesce(var.alb_arn_suffix, "x")))
    error_message = "alb_arn_suffix must look like app/<name>/<id>."
  }
}

variable "rds_instance_identifier" {
  description = "RDS instance for CPU and free-storage alarms; null skips them."
  type        = string
  default     = null
}

variable "cpu_utilization_threshold" {
  description = "Percent CPU (ECS services and RDS) above which the alarms fire."
  type        = number
  default     = 80

  validation {
    condition     = var.cpu_utilization_threshold > 0 && var.cpu_utilization_threshold <= 100
    error_message = "cpu_utilization_threshold must be a percentage above 0 and at most 100."
  }
}

variable "memory_utilization_threshold" {
  description = "Percent memory of ECS services above which the alarms fire."
  type        = number
  default     = 80

  validation {
    condition     = var.memory_utilization_threshold > 0 && var.memory_utilization_threshold <= 100
    error_message = "memory_utilization_threshold must be a percentage above 0 and at most 100."
  }
}

variable "alb_5xx_threshold" {
  description = "5xx responses (load balancer or targets) per 5 minutes above which the alarms fire."
  type        = number
  default     = 10

  validation {
    condition     = var.alb_5xx_threshold >= 1
    error_message = "alb_5xx_threshold must be at least 1."
  }
}

variable "rds_free_storage_threshold_bytes" {
  description = "Free RDS storage below which the alarm fires."
  type        = number
  default     = 2147483648

  validation {
    condition     = var.rds_free_storage_threshold_bytes > 0
    error_message = "rds_free_storage_threshold_bytes must be positive."
  }
}

variable "enable_cloudtrail" {
  description = "Create a multi-region CloudTrail trail (one per account is usually enough: enable it in one environment)."
  type        = bool
  default     = true
}

variable "cloudtrail_retention_days" {
  description = "Days CloudTrail log files are kept in S3."
  type        = number
  default     = 365

  validation {
    condition     = var.cloudtrail_retention_days >= 90
    error_message = "cloudtrail_retention_days must be at least 90."
  }
}

variable "access_logs" {
  description = "Where S3 server access logs of the trail bucket go (e.g. `{ bucket = <state-backend access_logs_bucket_name> }`); null turns access logging off. An object, so its presence is known at plan time even when the bucket name is not."
  type = object({
    bucket = string
    prefix = optional(string)
  })
  default = null
}

variable "enable_guardduty" {
  description = "Create the GuardDuty detector of this account and region (only one may exist) and alert on findings."
  type        = bool
  default     = true
}

variable "enable_config" {
  description = "Record this account's resource configurations with AWS Config and evaluate `config_managed_rules` (one recorder per account and region: in a shared account, exactly one environment enables it). Delivered to the trail bucket under `config/` (created for it when `enable_cloudtrail` is false)."
  type        = bool
  default     = false
}

variable "config_managed_rules" {
  description = "AWS managed Config rules to evaluate when `enable_config` is true, by source identifier (https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html)."
  type        = list(string)
  default = [
    "CLOUD_TRAIL_ENABLED",
    "ENCRYPTED_VOLUMES",
    "IAM_ROOT_ACCESS_KEY_CHECK",
    "RDS_STORAGE_ENCRYPTED",
    "ROOT_ACCOUNT_MFA_ENABLED",
    "S3_BUCKET_PUBLIC_READ_PROHIBITED",
    "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
  ]

  validation {
    condition     = length(var.config_managed_rules) == length(distinct(var.config_managed_rules)) && alltrue([for rule in var.config_managed_rules : can(regex("^[A-Z0-9_]{3,100}$", rule))])
    error_message = "config_managed_rules must be distinct AWS managed rule identifiers such as ENCRYPTED_VOLUMES (capitals, digits and '_')."
  }
}

variable "config_delivery_frequency" {
  description = "How often AWS Config delivers a configuration snapshot to the bucket."
  type        = string
  default     = "TwentyFour_Hours"

  validation {
    condition     = contains(["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"], var.config_delivery_frequency)
    error_message = "config_delivery_frequency must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
  }
}

variable "guardduty_alert_min_severity" {
  description = "GuardDuty findings at or above this severity (1-10; 7 = high) are sent to the alerts topic."
  type        = number
  default     = 7

  validation {
    condition     = var.guardduty_alert_min_severity >= 1 && var.guardduty_alert_min_severity <= 10
    error_message = "guardduty_alert_min_severity must be between 1 and 10."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the CloudTrail CloudWatch log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "force_destroy" {
  description = "Allow destroying the trail bucket while it holds log files or Config deliveries (throwaway environments only)."
  type        = bool
  default     = false
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
