variable "repositories" {
  description = "Names of the ECR repositories to create, for example [\"platform/api\"]."
  type        = set(string)

  validation {
    condition     = length(var.repositories) > 0 && alltrue([for name in var.repositories : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", name)) && length(name) >= 2 && length(name) <= 256])
    error_message = "repositories must list at least one name of 2-256 lowercase letters, digits, '.', '_', '-' and '/' separated path parts (ECR's naming rules)."
  }
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key to encrypt the repositories with. When null the module creates one (with rotation)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "kms_key_alias" {
  description = "Alias (without the `alias/` prefix) of the KMS key the module creates when kms_key_arn is null."
  type        = string
  default     = "ecr"

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.kms_key_alias)) && !startswith(var.kms_key_alias, "aws/")
    error_message = "kms_key_alias must be 1-250 characters of letters, digits, '/', '_' and '-', and must not start with aws/."
  }
}

variable "keep_tagged_images" {
  description = "How many tagged images each repository keeps; older ones are expired by the lifecycle policy. Keep this above the number of releases you may still roll back to."
  type        = number
  default     = 50

  validation {
    condition     = var.keep_tagged_images >= 1 && floor(var.keep_tagged_images) == var.keep_tagged_images
    error_message = "keep_tagged_images must be a positive integer."
  }
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images (superseded build layers, failed pushes) are expired."
  type        = number
  default     = 14

  validation {
    condition     = var.untagged_image_expiry_days >= 1 && floor(var.untagged_image_expiry_days) == var.untagged_image_expiry_days
    error_message = "untagged_image_expiry_days must be a positive integer."
  }
}

variable "force_delete" {
  description = "Allow `terraform destroy` to delete repositories that still hold images. Keep false outside throwaway environments."
  type        = bool
  default     = false
}

variable "pull_principal_arns" {
  description = "IAM principal ARNs (for example other accounts' roots or roles) allowed to pull from every repository. Empty means only this account, through IAM."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.pull_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:", arn))])
    error_message = "Every entry of pull_principal_arns must be an IAM ARN (arn:aws:iam::<12 digits>:...)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
