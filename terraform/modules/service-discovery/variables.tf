variable "namespace_name" {
  description = "DNS name of the private namespace, e.g. `dev.platform.internal`: services resolve as `<service>.<namespace_name>` inside the VPC."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.namespace_name))
    error_message = "namespace_name must be a lowercase DNS name with at least two labels, e.g. dev.platform.internal."
  }
}

variable "vpc_id" {
  description = "VPC whose resolver answers for the namespace (the network module's `vpc_id`)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "services" {
  description = <<-EOT
    Services registered in the namespace, by name (the DNS label). ECS registers each task's IP
    address when the service's `service_registries` names the registry ARN (output
    `service_registry_arns`). `record_type`: `A` for awsvpc tasks, `SRV` to publish the port too.
    `ttl`: seconds clients may cache an answer, short so replaced tasks drop out quickly.
  EOT
  type = map(object({
    description = optional(string, "")
    record_type = optional(string, "A")
    ttl         = optional(number, 10)
  }))
  default = {}

  validation {
    condition     = alltrue([for name in keys(var.services) : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", name))])
    error_message = "service names must be DNS labels: lowercase letters, digits and '-', at most 63."
  }

  validation {
    condition     = alltrue([for service in values(var.services) : contains(["A", "SRV"], service.record_type)])
    error_message = "record_type must be A or SRV."
  }

  validation {
    condition     = alltrue([for service in values(var.services) : service.ttl >= 0 && service.ttl <= 3600])
    error_message = "ttl must be between 0 and 3600 seconds."
  }
}

variable "description" {
  description = "Description of the namespace."
  type        = string
  default     = "Private service discovery namespace"

  validation {
    condition     = length(var.description) <= 1024
    error_message = "description must be at most 1024 characters."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
