variable "name" {
  description = "Name of the web ACL (for example `platform-dev-alb`); also names its metrics and log group."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,100}$", var.name))
    error_message = "name must be 1-100 letters, digits, '-' or '_'."
  }
}

variable "scope" {
  description = "REGIONAL for load balancers and API gateways, CLOUDFRONT for distributions (then the provider must be in us-east-1)."
  type        = string
  default     = "REGIONAL"

  validation {
    condition     = contains(["REGIONAL", "CLOUDFRONT"], var.scope)
    error_message = "scope must be REGIONAL or CLOUDFRONT."
  }
}

variable "managed_rule_groups" {
  description = "AWS managed rule groups evaluated in priority order (1-based, below the rate limit). `count_only` runs a group in count mode (observe before blocking); `rule_action_overrides_to_count` puts single rules of it in count mode."
  type = list(object({
    name                           = string
    priority                       = number
    count_only                     = optional(bool, false)
    rule_action_overrides_to_count = optional(list(string), [])
  }))
  default = [
    { name = "AWSManagedRulesAmazonIpReputationList", priority = 10 },
    { name = "AWSManagedRulesCommonRuleSet", priority = 20 },
    { name = "AWSManagedRulesKnownBadInputsRuleSet", priority = 30 },
  ]

  validation {
    condition = (
      length(distinct([for group in var.managed_rule_groups : group.priority])) == length(var.managed_rule_groups) &&
      alltrue([for group in var.managed_rule_groups : group.priority > 1 && can(regex("^AWSManagedRules[A-Za-z0-9]+$", group.name))])
    )
    error_message = "managed_rule_groups need distinct priorities above 1 (1 is the rate limit) and AWS managed rule group names (AWSManagedRules...)."
  }
}

variable "rate_limit" {
  description = "Requests per 5-minute window one client IP may send before it is blocked (evaluated first, priority 1)."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit >= 10 && var.rate_limit <= 2000000000 && floor(var.rate_limit) == var.rate_limit
    error_message = "rate_limit must be an integer between 10 and 2000000000."
  }
}

variable "association_resource_arns" {
  description = "ARNs of regional resources (application load balancers) to protect with this web ACL. Must be empty for CLOUDFRONT scope: a distribution names its web ACL itself (frontend module's web_acl_id)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.association_resource_arns : can(regex("^arn:aws[a-z-]*:(elasticloadbalancing|apigateway|appsync|cognito-idp):", arn))])
    error_message = "association_resource_arns must hold load balancer, API Gateway, AppSync or Cognito user pool ARNs."
  }
}

variable "log_retention_days" {
  description = "How many days the WAF log group keeps events."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of an existing KMS key for the WAF log group. When null the module creates one (with rotation)."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "redacted_headers" {
  description = "Request headers replaced by REDACTED in the WAF logs (credentials and session cookies never belong in logs)."
  type        = list(string)
  default     = ["authorization", "cookie"]

  validation {
    condition     = alltrue([for header in var.redacted_headers : can(regex("^[a-z0-9-]+$", header))])
    error_message = "redacted_headers must be lowercase header names."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
