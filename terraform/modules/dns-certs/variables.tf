variable "zone_name" {
  description = "DNS name of the public hosted zone (for example `example.com`). Used to create the zone when zone_id is null."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.zone_name))
    error_message = "zone_name must be a lowercase DNS name without a trailing dot, such as example.com."
  }
}

variable "zone_id" {
  description = "ID of an existing Route53 hosted zone for zone_name. Null creates the zone."
  type        = string
  default     = null

  validation {
    condition     = var.zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.zone_id))
    error_message = "zone_id must be a Route53 hosted zone ID (Z...) or null."
  }
}

variable "parent_zone_id" {
  description = "ID of the Route53 zone of the parent domain, in this account, when the module creates zone_name (zone_id null): the NS delegation is written there in the same apply, before any certificate validation waits on it. Null: delegate at the registrar or parent yourself (output name_servers)."
  type        = string
  default     = null

  validation {
    condition     = var.parent_zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.parent_zone_id))
    error_message = "parent_zone_id must be a Route53 hosted zone ID (Z...) or null."
  }
}

variable "force_destroy_zone" {
  description = "Let `terraform destroy` delete the created zone even if it still holds records managed elsewhere."
  type        = bool
  default     = false
}

variable "certificates" {
  description = "ACM certificates to request and validate by DNS in the zone, by a key of your choosing: domain_name plus optional subject_alternative_names (all inside zone_name). Create CloudFront certificates with a provider in us-east-1."
  type = map(object({
    domain_name               = string
    subject_alternative_names = optional(list(string), [])
  }))
  default = {}

  validation {
    condition = alltrue(flatten([for cert in values(var.certificates) : [
      for name in concat([cert.domain_name], cert.subject_alternative_names) :
      can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", name))
    ]]))
    error_message = "Every certificate domain_name and subject alternative name must be a lowercase DNS name (optionally starting with *.)."
  }
}

variable "records" {
  description = "DNS records by key: either plain (`type`, `ttl`, `values`) or an alias (`alias` with target `name` and `zone_id`, for load balancers and CloudFront). `name` is relative to the zone (\"\" for the apex)."
  type = map(object({
    name   = string
    type   = string
    ttl    = optional(number, 300)
    values = optional(list(string), [])
    alias = optional(object({
      name                   = string
      zone_id                = string
      evaluate_target_health = optional(bool, true)
    }))
  }))
  default = {}

  validation {
    condition = alltrue([for record in values(var.records) :
      contains(["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA"], record.type) &&
      ((record.alias == null) != (length(record.values) == 0))
    ])
    error_message = "Each record needs a type among A, AAAA, CNAME, TXT, MX, NS, SRV, CAA and exactly one of values (non-empty) or alias."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
