variable "name" {
  description = "Name prefix of the health checks, alarms and (when created) the us-east-1 alarm topic, e.g. `<project>-<environment>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "endpoints" {
  description = <<-EOT
    Public HTTPS endpoints Route53 checks from several of its regions, by key: the host name (`fqdn`),
    the `path` requested (a 2xx or 3xx answer within 4 seconds is healthy), the `port`, how many
    consecutive failures make a checker see it unhealthy (`failure_threshold`) and the seconds
    between checks (`request_interval`, 10 or 30). Each gets an alarm when it is unhealthy for
    `alarm_evaluation_periods` minutes in a row.
  EOT
  type = map(object({
    fqdn              = string
    path              = optional(string, "/")
    port              = optional(number, 443)
    failure_threshold = optional(number, 3)
    request_interval  = optional(number, 30)
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.endpoints) : can(regex("^[a-z][a-z0-9-]{0,30}$", key))])
    error_message = "endpoints keys must be 1-31 lowercase letters, digits or hyphens, starting with a letter."
  }

  validation {
    condition = alltrue([for endpoint in values(var.endpoints) :
      can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", endpoint.fqdn)) &&
      startswith(endpoint.path, "/") && length(endpoint.path) <= 255 &&
      endpoint.port >= 1 && endpoint.port <= 65535 &&
      endpoint.failure_threshold >= 1 && endpoint.failure_threshold <= 10 &&
      contains([10, 30], endpoint.request_interval)
    ])
    error_message = "every endpoint needs a lowercase DNS fqdn, a path starting with / (at most 255 characters), a port 1-65535, a failure_threshold 1-10 and a request_interval of 10 or 30."
  }
}

variable "alarm_evaluation_periods" {
  description = "Minutes an endpoint must be unhealthy in a row before its alarm fires."
  type        = number
  default     = 2

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && var.alarm_evaluation_periods <= 60 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be an integer between 1 and 60."
  }
}

variable "regional_certificate_arns" {
  description = "ACM certificates in this module's region (e.g. the load balancer's) whose expiry is watched, by key. Keys must be known at plan time."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key, arn in var.regional_certificate_arns : can(regex("^[a-z][a-z0-9-]{0,30}$", key))])
    error_message = "regional_certificate_arns keys must be 1-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "us_east_1_certificate_arns" {
  description = "ACM certificates in us-east-1 (CloudFront's) whose expiry is watched, by key. Their DaysToExpiry metric only exists in us-east-1, so their alarms live there too."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key, arn in var.us_east_1_certificate_arns : can(regex("^[a-z][a-z0-9-]{0,30}$", key))])
    error_message = "us_east_1_certificate_arns keys must be 1-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "certificate_expiry_days" {
  description = "A certificate's alarm fires when it expires in fewer days than this. ACM renews DNS-validated certificates 60 days ahead, so an alarm means renewal is stuck (e.g. a removed validation record)."
  type        = number
  default     = 30

  validation {
    condition     = var.certificate_expiry_days >= 1 && var.certificate_expiry_days <= 395 && floor(var.certificate_expiry_days) == var.certificate_expiry_days
    error_message = "certificate_expiry_days must be an integer between 1 and 395."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic in this module's region the regional certificate alarms notify (the environment's alerts topic)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}

variable "create_us_east_1_topic" {
  description = "Create an alarm topic in us-east-1 for the alarms that must live there (Route53 health checks, CloudFront's certificate), subscribed by `alarm_email_addresses`, `pager_https_endpoints` and `notifier_function_arn`. False: they notify `us_east_1_alarm_topic_arn` (e.g. the alerts topic itself when the environment runs in us-east-1)."
  type        = bool
  default     = true
  nullable    = false
}

variable "us_east_1_alarm_topic_arn" {
  description = "With create_us_east_1_topic = false: the SNS topic in us-east-1 the us-east-1 alarms notify."
  type        = string
  default     = null

  validation {
    condition     = var.us_east_1_alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:us-east-1:", coalesce(var.us_east_1_alarm_topic_arn, "x")))
    error_message = "us_east_1_alarm_topic_arn must be an SNS topic ARN in us-east-1 or null."
  }
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the created us-east-1 topic (each confirms by mail), usually the alerts topic's."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alarm_email_addresses must be email addresses."
  }
}

variable "pager_https_endpoints" {
  description = "HTTPS endpoints (a pager's SNS integration) subscribed to the created us-east-1 topic. Sensitive: they usually carry a key."
  type        = list(string)
  default     = []
  sensitive   = true

  validation {
    condition     = alltrue([for url in var.pager_https_endpoints : startswith(url, "https://")])
    error_message = "pager_https_endpoints must be https:// URLs."
  }
}

variable "subscribe_notifier" {
  description = "Subscribe the alarm notifier Lambda (`notifier_function_arn`, in this module's region) to the created us-east-1 topic, so these alarms reach chat like the others (SNS delivers to a Lambda in another region)."
  type        = bool
  default     = false
  nullable    = false
}

variable "notifier_function_arn" {
  description = "ARN of the alarm notifier Lambda (alarm-chat module) used with subscribe_notifier."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_function_arn == null || can(regex("^arn:aws[a-z-]*:lambda:", coalesce(var.notifier_function_arn, "x")))
    error_message = "notifier_function_arn must be a Lambda function ARN or null."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the created us-east-1 topic's KMS key is deleted after a destroy."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
