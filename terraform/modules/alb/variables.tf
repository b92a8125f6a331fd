variable "name" {
  description = "Name of the load balancer and prefix of its target group (for example `platform-dev`). At most 28 characters so the target group name fits."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,26}[a-zA-Z0-9])?$", var.name)) && !startswith(var.name, "internal-")
    error_message = "name must be 1-28 letters, digits or hyphens, not starting or ending with a hyphen nor with internal-."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the target group lives in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Subnets of the load balancer (public subnets for an internet-facing ALB), in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the load balancer (the security-groups module's ALB group)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "security_group_ids must list at least one security group ID (sg-...)."
  }
}

variable "internal" {
  description = "Create an internal load balancer instead of an internet-facing one."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate served by the HTTPS listener (a validated one, for example from the dns-certs module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:...)."
  }
}

variable "additional_certificate_arns" {
  description = "Further ACM certificate ARNs attached to the HTTPS listener (served by SNI)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.additional_certificate_arns : can(regex("^arn:aws[a-z-]*:acm:", arn))])
    error_message = "Every entry of additional_certificate_arns must be an ACM certificate ARN."
  }
}

variable "ssl_policy" {
  description = "TLS security policy of the HTTPS listener. The default allows TLS 1.3 and 1.2 with forward-secret ciphers only."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.2+ ELB policy (ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*, -TLS-1-2-* or -FS-1-2-*)."
  }
}

variable "target_port" {
  description = "Port the targets (ECS tasks) listen on."
  type        = number
  default     = 8080

  validation {
    condition     = var.target_port >= 1 && var.target_port <= 65535 && floor(var.target_port) == var.target_port
    error_message = "target_port must be an integer between 1 and 65535."
  }
}

variable "health_check" {
  description = "Target group health check: HTTP path, expected status codes, and timing."
  type = object({
    path                = optional(string, "/health")
    matcher             = optional(string, "200-399")
    interval            = optional(number, 15)
    timeout             = optional(number, 5)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 3)
  })
  default = {}

  validation {
    condition = (
      startswith(var.health_check.path, "/") &&
      var.health_check.interval >= 5 && var.health_check.interval <= 300 &&
      var.health_check.timeout >= 2 && var.health_check.timeout <= 120 && var.health_check.timeout < var.health_check.interval &&
      var.health_check.healthy_threshold >= 2 && var.health_check.healthy_threshold <= 10 &&
      var.health_check.unhealthy_threshold >= 2 && var.health_check.unhealthy_threshold <= 10
    )
    error_message = "health_check.path must start with /; interval 5-300 s; timeout 2-120 s and below interval; thresholds 2-10."
  }
}

variable "deregistration_delay_seconds" {
  description = "Seconds the target group drains connections from a deregistering target."
  type        = number
  default     = 30

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600
    error_message = "deregistration_delay_seconds must be between 0 and 3600."
  }
}

variable "idle_timeout_seconds" {
  description = "Seconds a connection may stay idle before the load balancer closes it."
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout_seconds >= 1 && var.idle_timeout_seconds <= 4000
    error_message = "idle_timeout_seconds must be between 1 and 4000."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer (turn off only for throwaway environments such as dev)."
  type        = bool
  default     = true
}

variable "access_logs_bucket" {
  description = "Name of an S3 bucket (SSE-S3, with the ELB log-delivery bucket policy) receiving access logs. Null disables access logs."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket))
    error_message = "access_logs_bucket must be a valid S3 bucket name or null."
  }
}

variable "access_logs_prefix" {
  description = "Key prefix of the access logs in access_logs_bucket."
  type        = string
  default     = "alb"

  validation {
    condition     = !startswith(var.access_logs_prefix, "/") && !endswith(var.access_logs_prefix, "/") && !strcontains(var.access_logs_prefix, "AWSLogs")
    error_message = "access_logs_prefix must not start or end with / nor contain AWSLogs."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
