variable "region" {
  type        = string
  description = "AWS region of every resource in this root."
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "prefix" {
  type        = string
  description = "Name prefix of every resource, so that this root never collides with another in one emulator."
  default     = "pt-sec"
  validation {
    condition     = can(regex("^[a-z0-9-]{3,20}$", var.prefix))
    error_message = "prefix must be 3-20 lowercase letters, digits or dashes."
  }
}

variable "stage" {
  type        = string
  description = "base: what is applied first; changed: what is then planned against it."
  default     = "base"
  validation {
    condition     = contains(["base", "changed"], var.stage)
    error_message = "stage must be base or changed."
  }
}

variable "db_password" {
  type        = string
  description = "A secret, declared sensitive, that the changed stage passes on through nonsensitive()."
  sensitive   = true
  validation {
    condition     = length(var.db_password) >= 8
    error_message = "db_password must be at least 8 characters."
  }
}

variable "hidden_policy" {
  type        = string
  description = "A sensitive IAM policy document, put in one inline_policy block of the role."
  sensitive   = true
  validation {
    condition     = can(jsondecode(var.hidden_policy))
    error_message = "hidden_policy must be a JSON document."
  }
}
