variable "name" {
  description = "Name of the budget and of the anomaly monitor, e.g. `platform-prod-monthly`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,80}$", var.name))
    error_message = "name must be 1 to 80 letters, digits, '_', '.' or '-'."
  }
}

variable "monthly_limit_usd" {
  description = "Monthly cost budget in US dollars."
  type        = number

  validation {
    condition     = var.monthly_limit_usd > 0 && var.monthly_limit_usd <= 10000000
    error_message = "monthly_limit_usd must be a positive amount (at most 10,000,000)."
  }
}

variable "cost_filters" {
  description = "Limit the budget to part of the bill, e.g. `{ TagKeyValue = [\"user:Environment$prod\"] }` for resources tagged Environment=prod (empty: the whole account)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.cost_filters) : contains(["AZ", "LinkedAccount", "Operation", "PurchaseType", "Region", "Service", "TagKeyValue", "UsageType", "UsageTypeGroup", "CostCategory"], name)])
    error_message = "cost_filters keys must be Budgets filter names (AZ, LinkedAccount, Operation, PurchaseType, Region, Service, TagKeyValue, UsageType, UsageTypeGroup, CostCategory)."
  }
}

variable "alerts" {
  description = "When to alert: percentages of the limit, on ACTUAL spend or the FORECASTED month end."
  type = list(object({
    threshold_percent = number
    type              = string
  }))
  default = [
    { threshold_percent = 80, type = "ACTUAL" },
    { threshold_percent = 100, type = "ACTUAL" },
    { threshold_percent = 100, type = "FORECASTED" },
  ]

  validation {
    condition     = length(var.alerts) > 0 && length(var.alerts) <= 5 && alltrue([for alert in var.alerts : contains(["ACTUAL", "FORECASTED"], alert.type) && alert.threshold_percent > 0 && alert.threshold_percent <= 1000])
    error_message = "alerts must hold 1 to 5 entries with type ACTUAL or FORECASTED and a threshold_percent in (0, 1000]."
  }
}

variable "alert_emails" {
  description = "Email addresses that receive budget alerts and the anomaly digest."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.alert_emails) <= 10 && alltrue([for email in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "alert_emails must hold at most 10 email addresses."
  }
}

variable "alert_topic_arn" {
  description = "SNS topic that receives budget alerts and individual anomalies (its policy must let budgets.amazonaws.com and costalerts.amazonaws.com publish), or null."
  type        = string
  default     = null

  validation {
    condition     = var.alert_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", coalesce(var.alert_topic_arn, "x")))
    error_message = "alert_topic_arn must be an SNS topic ARN."
  }
}

variable "anomaly_detection" {
  description = "Create a Cost Anomaly Detection monitor (per AWS service) and a subscription alerting on anomalies costing at least `anomaly_threshold_usd`. One per account is enough: turn it off in all but one root."
  type        = bool
  default     = true
}

variable "anomaly_threshold_usd" {
  description = "Smallest total cost impact of an anomaly, in US dollars, worth an alert."
  type        = number
  default     = 50

  validation {
    condition     = var.anomaly_threshold_usd >= 0
    error_message = "anomaly_threshold_usd must not be negative."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
