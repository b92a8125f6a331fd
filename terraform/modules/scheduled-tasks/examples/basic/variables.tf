variable "region" {
  description = "AWS region to create the example in."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "subnet_ids" {
  description = "Private subnets of an existing VPC for the tasks."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must hold at least one subnet id."
  }
}

variable "security_group_ids" {
  description = "Security groups of the tasks (egress to ECR and CloudWatch Logs)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0
    error_message = "security_group_ids must hold at least one security group id."
  }
}
