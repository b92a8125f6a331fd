variable "region" {
  description = "AWS region to create the example in."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "oidc_provider_arn" {
  description = "The account's GitHub Actions OIDC provider (bootstrap creates it)."
  type        = string

  validation {
    condition     = startswith(var.oidc_provider_arn, "arn:")
    error_message = "oidc_provider_arn must be an ARN."
  }
}
