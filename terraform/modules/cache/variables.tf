variable "name" {
  description = "Replication group id, also the prefix of its subnet group, log groups and key alias (e.g. `platform-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,34}$", var.name)) && !endswith(var.name, "-") && !strcontains(var.name, "--")
    error_message = "name must start with a letter and be 1 to 35 lowercase letters, digits or single hyphens, not ending with a hyphen."
  }
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^[67]\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be a Redis 6.x or 7.x version (e.g. 7.1)."
  }
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.t4g.micro"

  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.node_type))
    error_message = "node_type must look like cache.<family>.<size>, e.g. cache.t4g.micro."
  }
}

variable "num_cache_clusters" {
  description = "Number of nodes (primary + replicas). Two or more turn on automatic failover and Multi-AZ."
  type        = number
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6 && floor(var.num_cache_clusters) == var.num_cache_clusters
    error_message = "num_cache_clusters must be a whole number between 1 and 6."
  }
}

variable "subnet_ids" {
  description = "Private subnets for the cache subnet group."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids must hold at least one subnet."
  }
}

variable "security_group_ids" {
  description = "Security groups of the cache nodes (from the security-groups module)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1
    error_message = "security_group_ids must hold at least one security group."
  }
}

variable "app_access_string" {
  description = "Redis ACL of the application user `<name>-app` (which authenticates with IAM)."
  type        = string
  default     = "on ~* +@all -@dangerous"

  validation {
    condition     = startswith(var.app_access_string, "on ")
    error_message = "app_access_string must start with 'on ' (an ACL rule string for an enabled user)."
  }
}

variable "port" {
  description = "Port the cache listens on."
  type        = number
  default     = 6379

  validation {
    condition     = var.port >= 1024 && var.port <= 65535
    error_message = "port must be between 1024 and 65535."
  }
}

variable "snapshot_retention_limit" {
  description = "Days automatic snapshots are kept."
  type        = number
  default     = 7

  validation {
    condition     = var.snapshot_retention_limit >= 1 && var.snapshot_retention_limit <= 35
    error_message = "snapshot_retention_limit must be between 1 and 35 days."
  }
}

variable "snapshot_window" {
  description = "Daily UTC time range of automatic snapshots (hh24:mi-hh24:mi); must not overlap maintenance_window."
  type        = string
  default     = "03:00-04:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.snapshot_window))
    error_message = "snapshot_window must be hh24:mi-hh24:mi."
  }
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:05:00-sun:06:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must be ddd:hh24:mi-ddd:hh24:mi in lowercase, e.g. sun:05:00-sun:06:00."
  }
}

variable "apply_immediately" {
  description = "Apply modifications immediately instead of in the next maintenance window."
  type        = bool
  default     = false
}

variable "log_retention_in_days" {
  description = "Retention of the slow-log and engine-log CloudWatch log groups."
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
