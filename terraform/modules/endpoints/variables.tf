variable "name" {
  description = "Name prefix used in the endpoints' Name tags (for example `platform-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "name must be 2-40 characters of lowercase letters, digits and hyphens, not starting or ending with a hyphen."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the endpoints are created in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnets that get an interface endpoint network interface (one per AZ)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least one subnet ID (subnet-...)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the interface endpoints (the security-groups module's endpoints group: HTTPS from the VPC)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "security_group_ids must list at least one security group ID (sg-...)."
  }
}

variable "route_table_ids" {
  description = "Route tables (the private ones) that gateway endpoints add their routes to."
  type        = list(string)

  validation {
    condition     = alltrue([for id in var.route_table_ids : can(regex("^rtb-[0-9a-f]+$", id))])
    error_message = "route_table_ids must hold route table IDs (rtb-...)."
  }
}

variable "interface_services" {
  description = "AWS services reached through interface endpoints (PrivateLink), by service suffix: ecr.api and ecr.dkr for image pulls, logs for awslogs, secretsmanager for task secrets; add ssm, kms, sts, sqs... as needed."
  type        = set(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]

  validation {
    condition     = alltrue([for service in var.interface_services : can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", service)) && !contains(["s3", "dynamodb"], service)])
    error_message = "interface_services must be service suffixes such as ecr.api or logs; s3 and dynamodb go to gateway_services."
  }
}

variable "gateway_services" {
  description = "AWS services reached through (free) gateway endpoints: s3 (ECR image layers live in S3) and/or dynamodb."
  type        = set(string)
  default     = ["s3"]

  validation {
    condition     = alltrue([for service in var.gateway_services : contains(["s3", "dynamodb"], service)])
    error_message = "gateway_services may only contain s3 and dynamodb."
  }
}

variable "private_dns_enabled" {
  description = "Resolve the services' public DNS names to the interface endpoints inside the VPC (what lets SDKs use them without configuration)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
