variable "region" {
  description = "AWS region to create the example in."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "bucket_name" {
  description = "Name of the uploads bucket to create."
  type        = string
  default     = "example-platform-uploads"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "package_bucket" {
  description = "Existing bucket holding the processor's package (the artifacts bucket)."
  type        = string

  validation {
    condition     = length(var.package_bucket) >= 3
    error_message = "package_bucket must be a bucket name."
  }
}

variable "package_key" {
  description = "Key of the processor's .zip package in package_bucket."
  type        = string
  default     = "uploads/processor.zip"

  validation {
    condition     = endswith(var.package_key, ".zip")
    error_message = "package_key must name a .zip object."
  }
}

variable "access_log_bucket" {
  description = "Existing bucket receiving server access logs."
  type        = string

  validation {
    condition     = length(var.access_log_bucket) >= 3
    error_message = "access_log_bucket must be a bucket name."
  }
}

variable "replica_region" {
  description = "Region of the replica bucket (another region than `region`)."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.replica_region))
    error_message = "replica_region must be an AWS region name such as us-west-2."
  }
}
