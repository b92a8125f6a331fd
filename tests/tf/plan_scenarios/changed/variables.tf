variable "region" {
  type        = string
  description = "AWS region of every resource in this scenario."
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "prefix" {
  type        = string
  description = "Name prefix of every resource, so that scenarios never collide in one emulator."
  default     = "pt-scn"
  validation {
    condition     = can(regex("^[a-z0-9-]{3,20}$", var.prefix))
    error_message = "prefix must be 3-20 lowercase letters, digits or dashes."
  }
}

variable "db_password" {
  type        = string
  description = "A secret: stored in an SSM SecureString and echoed by a sensitive output."
  sensitive   = true
  validation {
    condition     = length(var.db_password) >= 8
    error_message = "db_password must be at least 8 characters."
  }
}
