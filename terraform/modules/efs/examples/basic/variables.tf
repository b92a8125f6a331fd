variable "region" {
  description = "AWS region to create the example in."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "vpc_id" {
  description = "An existing VPC."
  type        = string

  validation {
    condition     = startswith(var.vpc_id, "vpc-")
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the VPC, one per AZ."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must hold at least one subnet id."
  }
}

variable "client_security_group_ids" {
  description = "Security groups of the tasks that mount the file system."
  type        = list(string)

  validation {
    condition     = length(var.client_security_group_ids) > 0
    error_message = "client_security_group_ids must hold at least one security group id."
  }
}
