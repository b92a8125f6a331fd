variable "region" {
  description = "AWS region of the provider (Budgets and Cost Explorer are global)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "anomaly_detection" {
  description = "Create the anomaly monitor and subscription (the local emulator has no Cost Anomaly Detection API)."
  type        = bool
  default     = true
}
