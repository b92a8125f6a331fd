variable "name" {
  description = "Name prefix for the security groups (for example `platform-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "name must be 2-40 characters of lowercase letters, digits and hyphens, not starting or ending with a hyphen."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the security groups belong to."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "alb_ingress_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach the load balancer on HTTP (redirect only) and HTTPS. Defaults to the whole internet: the ALB is the public entry point."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.alb_ingress_cidrs) > 0 && alltrue([for cidr in var.alb_ingress_cidrs : can(cidrhost(cidr, 0))])
    error_message = "alb_ingress_cidrs must list at least one valid IPv4 CIDR block."
  }
}

variable "container_port" {
  description = "Port the ECS tasks' container listens on; the only port the ALB may reach them on."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an integer between 1 and 65535."
  }
}

variable "postgres_port" {
  description = "Port of the PostgreSQL database (or RDS Proxy) the tasks may reach."
  type        = number
  default     = 5432

  validation {
    condition     = var.postgres_port >= 1 && var.postgres_port <= 65535 && floor(var.postgres_port) == var.postgres_port
    error_message = "postgres_port must be an integer between 1 and 65535."
  }
}

variable "redis_port" {
  description = "Port of the Redis replication group the tasks may reach."
  type        = number
  default     = 6379

  validation {
    condition     = var.redis_port >= 1 && var.redis_port <= 65535 && floor(var.redis_port) == var.redis_port
    error_message = "redis_port must be an integer between 1 and 65535."
  }
}

variable "tasks_https_egress_cidrs" {
  description = "IPv4 CIDR blocks the ECS tasks may reach on HTTPS (443): AWS APIs, ECR, Secrets Manager and third-party APIs, through NAT or VPC endpoints. Set to the VPC CIDR when every AWS API is reached through endpoints and nothing else is needed."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.tasks_https_egress_cidrs : can(cidrhost(cidr, 0))])
    error_message = "Every entry of tasks_https_egress_cidrs must be a valid IPv4 CIDR block."
  }
}

variable "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC: interface endpoints accept HTTPS from it. When null no endpoint security group is created."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_cidr_block == null || can(cidrhost(var.vpc_cidr_block, 0))
    error_message = "vpc_cidr_block must be a valid IPv4 CIDR block or null."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
