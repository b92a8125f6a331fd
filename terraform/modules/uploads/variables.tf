variable "name" {
  description = "Name of the pipeline: the processor's queue, Lambda and role are `<name>-processor`, the bucket's key alias `<name>-bucket`, e.g. `platform-dev-uploads`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1 to 40 letters, digits, '_' or '-' (suffixes are appended)."
  }
}

variable "bucket_name" {
  description = "Name of the private uploads bucket (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "cors_allowed_origins" {
  description = "Origins (the web app's URLs) browsers may upload from with presigned requests, e.g. `https://app.example.com`."
  type        = list(string)

  validation {
    condition     = length(var.cors_allowed_origins) > 0 && alltrue([for origin in var.cors_allowed_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", origin))])
    error_message = "cors_allowed_origins must hold https:// origins without path or wildcard (browsers send them exactly)."
  }
}

variable "cors_allowed_methods" {
  description = "HTTP methods browsers may use on the bucket: PUT and POST upload (presigned), GET downloads."
  type        = list(string)
  default     = ["PUT", "POST"]

  validation {
    condition     = length(var.cors_allowed_methods) > 0 && alltrue([for method in var.cors_allowed_methods : contains(["GET", "PUT", "POST", "HEAD"], method)])
    error_message = "cors_allowed_methods must be some of GET, PUT, POST and HEAD."
  }
}

variable "upload_prefix" {
  description = "Key prefix of the uploads the processor handles (empty: every object)."
  type        = string
  default     = "incoming/"

  validation {
    condition     = var.upload_prefix == "" || can(regex("^[A-Za-z0-9!_.*'()/-]+/$", var.upload_prefix))
    error_message = "upload_prefix must be empty or a key prefix ending in '/'."
  }
}

variable "access_log_bucket" {
  description = "Bucket receiving the uploads bucket's server access logs (the environment's log bucket)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket))
    error_message = "access_log_bucket must be a valid S3 bucket name."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten or deleted upload's previous version is kept."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650
    error_message = "noncurrent_version_expiration_days must be between 1 and 3650."
  }
}

variable "processor" {
  description = <<-EOT
    The Lambda that processes each upload (through the queue, in batches, reporting partial batch
    failures): its package in S3 (`s3_bucket`, `s3_key`, a .zip), `handler`, and optionally
    `runtime`, `memory_size`, `timeout_seconds`, `environment_variables`. It may read the uploads
    and tag them (not change or delete them); the bucket name is in its environment as
    `UPLOADS_BUCKET`. A caller that publishes the package itself sets `read_package_version = false`
    and passes its `s3_object_version` (the object need not exist before the plan). The deployer
    package carries a built-in processor: `pipeline_tools.uploads.handler.lambda_handler`.
  EOT
  type = object({
    s3_bucket             = string
    s3_key                = string
    read_package_version  = optional(bool, true)
    s3_object_version     = optional(string)
    handler               = string
    runtime               = optional(string, "python3.12")
    memory_size           = optional(number, 256)
    timeout_seconds       = optional(number, 60)
    environment_variables = optional(map(string), {})
  })

  validation {
    condition     = endswith(var.processor.s3_key, ".zip") && length(var.processor.handler) > 0
    error_message = "processor needs a .zip s3_key and a handler (the integrations module validates the rest)."
  }
}

variable "max_receive_count" {
  description = "Deliveries of an upload's message before it moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its uploads (throwaway environments only)."
  type        = bool
  default     = false
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the processor's role (the environment's boundary), or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the processor's CloudWatch log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the module's KMS keys are deleted after they are scheduled for deletion."
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

variable "replication" {
  description = <<-EOF2
    Replicate every upload, and every delete as a delete marker, to a bucket in another region
    (null: no replication). `destination_bucket_arn`: the replica bucket (versioned, this
    account); `destination_kms_key_arn`: its KMS key, by key ARN or alias ARN
    (`arn:aws:kms:<region>:<account>:alias/<name>`), which encrypts the replicas;
    `storage_class` of the replicas (default STANDARD). The module creates the role S3 assumes
    (`<name>-replication`, with `permissions_boundary_arn`): whoever applies needs `iam:PassRole`
    of it to `s3.amazonaws.com`. The replica-bucket module makes a matching destination.
  EOF2
  type = object({
    destination_bucket_arn  = string
    destination_kms_key_arn = string
    storage_class           = optional(string, "STANDARD")
  })
  default = null

  validation {
    condition     = var.replication == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", try(var.replication.destination_bucket_arn, "")))
    error_message = "replication.destination_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>)."
  }

  validation {
    condition     = var.replication == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[0-9a-f-]+|alias/[A-Za-z0-9/_-]+)$", try(var.replication.destination_kms_key_arn, "")))
    error_message = "replication.destination_kms_key_arn must be a KMS key ARN or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>)."
  }

  validation {
    condition     = var.replication == null || contains(["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], try(var.replication.storage_class, ""))
    error_message = "replication.storage_class must be STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE."
  }
}
