variable "region" {
  description = "AWS region of the example's regional resources (the load balancer's certificate and the alerts topic)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "domain_name" {
  description = "Domain of the example's endpoints (api.<domain> and app.<domain>)."
  type        = string
  default     = "health.example.org"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "notifier_function_arn" {
  description = "An alarm notifier Lambda to subscribe to the us-east-1 topic across regions (null: none; the emulator's test only plans it)."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_function_arn == null || can(regex("^arn:aws[a-z-]*:lambda:", coalesce(var.notifier_function_arn, "x")))
    error_message = "notifier_function_arn must be a Lambda function ARN or null."
  }
}
