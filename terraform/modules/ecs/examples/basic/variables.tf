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
  description = "An existing VPC for the load balancer's target group."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Two subnets of that VPC in different availability zones, for the load balancer and the tasks."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must hold at least two subnet ids (an ALB spans two zones)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the load balancer and the tasks."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0
    error_message = "security_group_ids must hold at least one security group id."
  }
}

variable "capacity" {
  description = "The service's capacity option (FARGATE, FARGATE_SPOT or mixed)."
  type        = string
  default     = "mixed"

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT", "mixed"], var.capacity)
    error_message = "capacity must be FARGATE, FARGATE_SPOT or mixed."
  }
}
