variable "region" {
  description = "AWS region of the resources backed up."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "recovery_region" {
  description = "AWS region every recovery point is copied to."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.recovery_region))
    error_message = "recovery_region must be an AWS region name such as us-west-2."
  }
}

variable "resource_arns" {
  description = "The RDS databases and EFS file systems to back up."
  type        = list(string)

  validation {
    condition     = length(var.resource_arns) > 0
    error_message = "resource_arns must hold at least one ARN."
  }
}
