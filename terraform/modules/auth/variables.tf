variable "name" {
  description = "Name of the user pool (e.g. `platform-dev`); also the app client's name prefix."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,120}$", var.name))
    error_message = "name must be 1 to 120 letters, digits, '_' or '-'."
  }
}

variable "domain" {
  description = "Hosted UI domain: a prefix (`platform-dev-auth` -> https://platform-dev-auth.auth.<region>.amazoncognito.com) or, with certificate_arn, a custom domain name (auth.example.com)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?$", var.domain)) && !strcontains(var.domain, "aws") && !strcontains(var.domain, "amazon") && !strcontains(var.domain, "cognito")
    error_message = "domain must be lowercase letters, digits, '-' or '.', at most 63 characters, and must not contain aws, amazon or cognito."
  }
}

variable "certificate_arn" {
  description = "ACM certificate (in us-east-1) for a custom hosted UI domain; null uses the Cognito prefix domain."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[A-Za-z0-9-]+$", coalesce(var.certificate_arn, "x")))
    error_message = "certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront requirement of Cognito custom domains)."
  }
}

variable "callback_urls" {
  description = "Allowed OAuth redirect URLs after sign-in (HTTPS; http://localhost allowed for development)."
  type        = list(string)

  validation {
    condition     = length(var.callback_urls) >= 1 && alltrue([for u in var.callback_urls : can(regex("^(https://[^*\\s]+|http://localhost(:[0-9]+)?(/[^*\\s]*)?)$", u))])
    error_message = "callback_urls must hold at least one https:// URL (or http://localhost), without wildcards."
  }
}

variable "logout_urls" {
  description = "Allowed redirect URLs after sign-out."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for u in var.logout_urls : can(regex("^(https://[^*\\s]+|http://localhost(:[0-9]+)?(/[^*\\s]*)?)$", u))])
    error_message = "logout_urls must be https:// URLs (or http://localhost), without wildcards."
  }
}

variable "mfa_configuration" {
  description = "Multi-factor authentication: OFF, OPTIONAL (users may enrol a TOTP app) or ON (required)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "password_minimum_length" {
  description = "Minimum password length (upper, lower case, digits and symbols are always required)."
  type        = number
  default     = 14

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99
    error_message = "password_minimum_length must be between 8 and 99."
  }
}

variable "temporary_password_validity_days" {
  description = "Days an administrator-issued temporary password stays valid."
  type        = number
  default     = 3

  validation {
    condition     = var.temporary_password_validity_days >= 1 && var.temporary_password_validity_days <= 365
    error_message = "temporary_password_validity_days must be between 1 and 365."
  }
}

variable "allow_self_sign_up" {
  description = "Let users sign up themselves (otherwise only administrators and federated sign-in create users)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool (turn off before a destroy)."
  type        = bool
  default     = true
}

variable "generate_client_secret" {
  description = "Give the app client a secret (server-side apps); browser apps use PKCE without a secret."
  type        = bool
  default     = false
}

variable "oauth_scopes" {
  description = "OAuth scopes the app client may request."
  type        = list(string)
  default     = ["openid", "email", "profile"]

  validation {
    condition     = contains(var.oauth_scopes, "openid") && alltrue([for s in var.oauth_scopes : contains(["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"], s)])
    error_message = "oauth_scopes must include openid and use only openid, email, profile, phone, aws.cognito.signin.user.admin."
  }
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access tokens in minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440
    error_message = "access_token_validity_minutes must be between 5 and 1440."
  }
}

variable "id_token_validity_minutes" {
  description = "Lifetime of ID tokens in minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.id_token_validity_minutes >= 5 && var.id_token_validity_minutes <= 1440
    error_message = "id_token_validity_minutes must be between 5 and 1440."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens in days."
  type        = number
  default     = 30

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650
    error_message = "refresh_token_validity_days must be between 1 and 3650."
  }
}

variable "google_client_id" {
  description = "OAuth client id of the Google identity provider (not secret). Null turns Google sign-in off."
  type        = string
  default     = null

  validation {
    condition     = var.google_client_id == null || can(regex("^[A-Za-z0-9._-]+\\.apps\\.googleusercontent\\.com$", coalesce(var.google_client_id, "x")))
    error_message = "google_client_id must be a Google OAuth client id (<id>.apps.googleusercontent.com)."
  }
}

variable "google_client_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the Google OAuth client secret (a plain string, or JSON with `client_secret`; put out of band). Required when google_client_id is set. Only the Google identity provider Lambda reads it: never Terraform, never a plan role."
  type        = string
  default     = null

  validation {
    condition     = var.google_client_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", coalesce(var.google_client_secret_arn, "x")))
    error_message = "google_client_secret_arn must be a Secrets Manager secret ARN (without wildcards)."
  }

  validation {
    condition     = var.google_client_id == null || var.google_client_secret_arn != null
    error_message = "google_client_secret_arn is required when google_client_id is set."
  }
}

variable "google_client_secret_kms_key_arn" {
  description = "Customer-managed KMS key encrypting the Google client secret (the `secrets` module's `kms_key_arn`), which the Lambda may use through Secrets Manager only; null for the AWS-managed key."
  type        = string
  default     = null

  validation {
    condition     = var.google_client_secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.google_client_secret_kms_key_arn, "x")))
    error_message = "google_client_secret_kms_key_arn must be a KMS key ARN."
  }
}

variable "google_client_secret_revision" {
  description = "Any string; change it after rotating the Google client secret so the next apply hands the new value to Cognito (the secret itself is never compared: Terraform does not read it)."
  type        = string
  default     = "1"
  nullable    = false
}

variable "google_idp_package" {
  description = "The package carrying the Google identity provider Lambda (`pipeline_tools.idp.handler`): the deployer package built by `pipeline-tools deploy package`, as bucket, key and object version (null or \"\": the current object). Required when google_client_id is set."
  type = object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
  })
  default = null

  validation {
    condition     = var.google_client_id == null || var.google_idp_package != null
    error_message = "google_idp_package is required when google_client_id is set: Google sign-in runs a Lambda from the deployer package."
  }

  validation {
    condition     = var.google_idp_package == null || endswith(try(var.google_idp_package.s3_key, ""), ".zip")
    error_message = "google_idp_package.s3_key must name a .zip object."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the Google identity provider Lambda's role (the environment's boundary), or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "lambda_runtime" {
  description = "Python runtime of the Google identity provider Lambda."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.11", "python3.12"], var.lambda_runtime)
    error_message = "lambda_runtime must be python3.11 or python3.12."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the Google identity provider Lambda's log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
