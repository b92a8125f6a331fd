variable "name_prefix" {
  description = "Path prefix of every name, e.g. `platform/dev`: secrets are named `<name_prefix>/<key>`, parameters `/<name_prefix>/<key>`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.name_prefix))
    error_message = "name_prefix must be path segments of letters, digits, '_', '.' or '-', separated by '/', without leading or trailing '/'."
  }
}

variable "secrets" {
  description = "Secrets Manager secrets to create, by key. Only the containers: values are put out of band (console, CLI, a rotation function), never through Terraform variables. Set rotation_lambda_arn to turn on rotation."
  type = map(object({
    description             = string
    recovery_window_in_days = optional(number, 30)
    rotation_lambda_arn     = optional(string)
    rotation_days           = optional(number, 30)
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.secrets) : can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", k))])
    error_message = "Secret keys must be path segments of letters, digits, '_', '.' or '-'."
  }

  validation {
    condition     = alltrue([for s in values(var.secrets) : s.recovery_window_in_days == 0 || (s.recovery_window_in_days >= 7 && s.recovery_window_in_days <= 30)])
    error_message = "recovery_window_in_days must be 0 (delete immediately) or between 7 and 30."
  }

  validation {
    condition     = alltrue([for s in values(var.secrets) : s.rotation_days >= 1 && s.rotation_days <= 90])
    error_message = "rotation_days must be between 1 and 90."
  }

  validation {
    condition     = alltrue([for s in values(var.secrets) : s.rotation_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$", coalesce(s.rotation_lambda_arn, "x")))])
    error_message = "rotation_lambda_arn must be a Lambda function ARN."
  }
}

variable "parameters" {
  description = "SSM SecureString parameters to create, by key. Created with a placeholder value that Terraform then ignores: put the real value out of band (`aws ssm put-parameter --overwrite`)."
  type = map(object({
    description = string
    tier        = optional(string, "Standard")
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.parameters) : can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", k))])
    error_message = "Parameter keys must be path segments of letters, digits, '_', '.' or '-'."
  }

  validation {
    condition     = alltrue([for p in values(var.parameters) : contains(["Standard", "Advanced"], p.tier)])
    error_message = "tier must be Standard or Advanced."
  }
}

variable "reader_role_names" {
  description = "IAM roles that get read access (GetSecretValue, GetParameter, kms:Decrypt) to every secret and parameter of this module."
  type        = list(string)
  default     = []
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the module's KMS key is deleted after it is scheduled for deletion."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
