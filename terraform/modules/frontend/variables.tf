variable "name" {
  description = "Name prefix of the distribution's resources (for example `platform-dev-web`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "name must be 2-40 characters of lowercase letters, digits and hyphens, not starting or ending with a hyphen."
  }
}

variable "bucket_name" {
  description = "Name of the S3 bucket holding the site (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.|^xn--|-s3alias$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-')."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its objects (throwaway environments only)."
  type        = bool
  default     = false
}

variable "origin_access" {
  description = "How CloudFront reads the private bucket: `oac` (Origin Access Control, SigV4, works with SSE-KMS; recommended) or `oai` (legacy Origin Access Identity, for accounts standardised on it; the bucket then uses SSE-S3 because an OAI cannot use KMS keys)."
  type        = string
  default     = "oac"

  validation {
    condition     = contains(["oac", "oai"], var.origin_access)
    error_message = "origin_access must be oac or oai."
  }
}

variable "aliases" {
  description = "Custom domain names of the distribution (need acm_certificate_arn covering them)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.aliases : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", name))])
    error_message = "aliases must be lowercase DNS names."
  }
}

variable "acm_certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 covering `aliases`. Null serves the default *.cloudfront.net certificate (then aliases must be empty)."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there) or null."
  }
}

variable "web_acl_arn" {
  description = "ARN of a WAFv2 web ACL with CLOUDFRONT scope (the waf module's web_acl_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/", var.web_acl_arn))
    error_message = "web_acl_arn must be the ARN of a CLOUDFRONT-scope WAFv2 web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)."
  }
}

variable "default_root_object" {
  description = "Object served for requests to the root URL."
  type        = string
  default     = "index.html"
}

variable "spa_fallback" {
  description = "Answer 403/404 from the bucket with /index.html and status 200, so client-side routes of a single-page app work."
  type        = bool
  default     = true
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100, PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "cache_ttl" {
  description = "TTLs in seconds (default, min, max) of the module's own cache policy (unused when cache_policy_id is set). Objects' Cache-Control headers apply within min..max."
  type = object({
    default = optional(number, 3600)
    min     = optional(number, 0)
    max     = optional(number, 86400)
  })
  default = {}

  validation {
    condition     = var.cache_ttl.min >= 0 && var.cache_ttl.min <= var.cache_ttl.default && var.cache_ttl.default <= var.cache_ttl.max
    error_message = "cache_ttl must satisfy 0 <= min <= default <= max."
  }
}

variable "cache_policy_id" {
  description = "ID of an existing CloudFront cache policy for the default behaviour (for example AWS-managed CachingOptimized, 658327ea-f89d-4fab-a63d-7e88639e58f6). Null creates the module's own policy from cache_ttl."
  type        = string
  default     = null

  validation {
    condition     = var.cache_policy_id == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.cache_policy_id))
    error_message = "cache_policy_id must be a CloudFront policy ID (a UUID) or null."
  }
}

variable "response_headers_policy_id" {
  description = "ID of an existing CloudFront response headers policy (for example AWS-managed SecurityHeadersPolicy, 67f7725c-6f97-4210-82d7-5512b31e9d03, which sets no Content-Security-Policy). Null creates the module's own security headers policy, including content_security_policy."
  type        = string
  default     = null

  validation {
    condition     = var.response_headers_policy_id == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.response_headers_policy_id))
    error_message = "response_headers_policy_id must be a CloudFront policy ID (a UUID) or null."
  }
}

variable "content_security_policy" {
  description = "Content-Security-Policy header added to every response by the module's own response headers policy (unused when response_headers_policy_id is set)."
  type        = string
  default     = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"
}

variable "logging_bucket_domain_name" {
  description = "Domain name (`<bucket>.s3.amazonaws.com`) of a bucket with ACLs enabled receiving CloudFront standard access logs; it also receives the site bucket's server access logs. Null disables both."
  type        = string
  default     = null

  validation {
    condition     = var.logging_bucket_domain_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\\.s3(\\.[a-z0-9-]+)?\\.amazonaws\\.com$", var.logging_bucket_domain_name))
    error_message = "logging_bucket_domain_name must look like <bucket>.s3.amazonaws.com or be null."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which superseded object versions are deleted (they allow rolling a deploy back)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a positive integer."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
