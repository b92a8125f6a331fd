variable "region" {
  description = "AWS region of the provider."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "name" {
  description = "Name prefix of everything the example creates."
  type        = string
  default     = "example-prod"

  validation {
    condition     = can(regex("^[a-z0-9-]{3,40}$", var.name))
    error_message = "name must be 3 to 40 lowercase letters, digits or '-'."
  }
}
