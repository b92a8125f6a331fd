data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  account_id  = data.aws_caller_identity.current.account_id
  use_oac     = var.origin_access == "oac"
  origin_id   = "s3-${var.bucket_name}"
  logging     = var.logging_bucket_domain_name != null
  logging_bkt = local.logging ? split(".s3", var.logging_bucket_domain_name)[0] : null
  # Custom domain names are served with the ACM certificate (preconditions on the distribution).
  custom_domain = length(var.aliases) > 0
}

# ---------------------------------------------------------------------------------------------
# Private, versioned, encrypted bucket
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "kms" {
  count = local.use_oac ? 1 : 0

  #checkov:skip=CKV_AWS_109:This is a KMS key policy: "*" as resource means this key only, and the administering principal is the account itself. exp:2027-02-19
  #checkov:skip=CKV_AWS_111:This is a KMS key policy: "*" as resource means this key only, and the administering principal is the account itself. exp:2027-02-19
  #checkov:skip=CKV_AWS_356:This is a KMS key policy: "*" as resource means this key only (key policies cannot name the key they are attached to). exp:2027-02-19

  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudFront (through Origin Access Control) decrypts the objects it serves. The distribution
  # ARN is matched by pattern: naming it exactly would make key and distribution depend on each
  # other.
  statement {
    sid       = "CloudFrontDecrypts"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudfront::${local.account_id}:distribution/*"]
    }
  }
}

resource "aws_kms_key" "site" {
  count = local.use_oac ? 1 : 0

  description             = "Encrypts the objects of the ${var.bucket_name} site bucket"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = var.tags
}

resource "aws_kms_alias" "site" {
  count = local.use_oac ? 1 : 0

  name          = "alias/${var.name}-site"
  target_key_id = aws_kms_key.site[0].key_id
}

resource "aws_s3_bucket" "site" {
  #checkov:skip=CKV_AWS_144:The bucket only holds build output that CI re-publishes from source; cross-region replication would copy a rebuildable artifact, and CloudFront already serves it from edge caches worldwide. exp:2027-02-19
  #checkov:skip=CKV2_AWS_62:Nothing consumes object events from a static site bucket; deploys are driven by CI, not by S3 notifications. exp:2027-02-19
  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = merge(var.tags, { Name = var.bucket_name })
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket = aws_s3_bucket.site.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.use_oac ? "aws:kms" : "AES256"
      kms_master_key_id = local.use_oac ? aws_kms_key.site[0].arn : null
    }
    bucket_key_enabled = local.use_oac
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    id     = "expire-superseded-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.site]
}

resource "aws_s3_bucket_logging" "site" {
  count = local.logging ? 1 : 0

  bucket        = aws_s3_bucket.site.id
  target_bucket = local.logging_bkt
  target_prefix = "s3/${var.bucket_name}/"
}

resource "aws_cloudfront_origin_access_identity" "site" {
  count = local.use_oac ? 0 : 1

  comment = "${var.name}: reads ${var.bucket_name}"
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.site.arn,
      "${aws_s3_bucket.site.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = local.use_oac ? [1] : []

    content {
      sid       = "CloudFrontOacReads"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.site.arn}/*"]

      principals {
        type        = "Service"
        identifiers = ["cloudfront.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceArn"
        values   = [aws_cloudfront_distribution.this.arn]
      }
    }
  }

  dynamic "statement" {
    for_each = local.use_oac ? [] : [1]

    content {
      sid       = "CloudFrontOaiReads"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.site.arn}/*"]

      principals {
        type        = "AWS"
        identifiers = [aws_cloudfront_origin_access_identity.site[0].iam_arn]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.bucket.json

  # A bucket policy written before the public access block could be judged public.
  depends_on = [aws_s3_bucket_public_access_block.site]
}

# ---------------------------------------------------------------------------------------------
# CloudFront
# ---------------------------------------------------------------------------------------------

resource "aws_cloudfront_origin_access_control" "site" {
  count = local.use_oac ? 1 : 0

  name                              = "${var.name}-site"
  description                       = "CloudFront reads ${var.bucket_name} with SigV4"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_cache_policy" "site" {
  count = var.cache_policy_id == null ? 1 : 0

  name        = "${var.name}-static"
  comment     = "Static site: no cookies, headers or query strings in the cache key; compressed variants cached"
  default_ttl = var.cache_ttl.default
  min_ttl     = var.cache_ttl.min
  max_ttl     = var.cache_ttl.max

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    cookies_config {
      cookie_behavior = "none"
    }

    headers_config {
      header_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_response_headers_policy" "security" {
  count = var.response_headers_policy_id == null ? 1 : 0

  name    = "${var.name}-security-headers"
  comment = "Security headers on every response of ${var.name}"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    content_security_policy {
      content_security_policy = var.content_security_policy
      override                = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_310:A single S3 origin in the same region as everything else; an origin group would need a replicated second bucket (see the CKV_AWS_144 skip on the bucket). exp:2027-02-19
  #checkov:skip=CKV2_AWS_47:The web ACL comes from the waf module (web_acl_arn), whose default rule groups include AWSManagedRulesKnownBadInputsRuleSet, the Log4j AMR; a graph check cannot follow it across modules. exp:2027-02-19
  #checkov:skip=CKV_AWS_174:Only the default mode (no aliases, *.cloudfront.net) is TLSv1: CloudFront applies TLSv1 to its own certificate whatever is set. Custom domains get TLSv1.2_2021, known at plan time, so the plan scan judges each real distribution. exp:2027-02-19
  #checkov:skip=CKV_AWS_374:The site is public for a worldwide audience; geo blocking is a product decision, not a default. exp:2027-02-19
  enabled             = true
  is_ipv6_enabled     = true
  comment             = "${var.name} static site"
  default_root_object = var.default_root_object
  aliases             = var.aliases
  price_class         = var.price_class
  http_version        = "http2and3"
  web_acl_id          = var.web_acl_arn
  # Don't block the apply for the ~minutes a distribution takes to reach every edge location.
  wait_for_deployment = false

  origin {
    origin_id                = local.origin_id
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = local.use_oac ? aws_cloudfront_origin_access_control.site[0].id : null

    dynamic "s3_origin_config" {
      for_each = local.use_oac ? [] : [1]

      content {
        origin_access_identity = aws_cloudfront_origin_access_identity.site[0].cloudfront_access_identity_path
      }
    }
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = coalesce(var.cache_policy_id, try(aws_cloudfront_cache_policy.site[0].id, null))
    response_headers_policy_id = coalesce(var.response_headers_policy_id, try(aws_cloudfront_response_headers_policy.security[0].id, null))
  }

  dynamic "custom_error_response" {
    for_each = var.spa_fallback ? [403, 404] : []

    content {
      error_code            = custom_error_response.value
      response_code         = 200
      response_page_path    = "/${var.default_root_object}"
      error_caching_min_ttl = 10
    }
  }

  dynamic "logging_config" {
    for_each = local.logging ? [1] : []

    content {
      bucket          = var.logging_bucket_domain_name
      prefix          = "cloudfront/${var.name}/"
      include_cookies = false
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  # The mode follows the aliases, which are known at plan time, rather than the certificate ARN,
  # which is unknown until a certificate created in the same run exists: the plan (and checkov
  # over it) then shows TLSv1.2_2021 instead of an unknown. The preconditions keep the two in
  # step. Without aliases CloudFront serves *.cloudfront.net, where it always applies TLSv1.
  viewer_certificate {
    cloudfront_default_certificate = !local.custom_domain
    acm_certificate_arn            = local.custom_domain ? var.acm_certificate_arn : null
    ssl_support_method             = local.custom_domain ? "sni-only" : null
    minimum_protocol_version       = local.custom_domain ? "TLSv1.2_2021" : "TLSv1"
  }

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    precondition {
      condition     = length(var.aliases) == 0 || var.acm_certificate_arn != null
      error_message = "aliases need acm_certificate_arn: CloudFront only serves custom domains with a certificate covering them."
    }
    precondition {
      condition     = var.acm_certificate_arn == null || length(var.aliases) > 0
      error_message = "acm_certificate_arn needs aliases: without custom domain names the distribution serves *.cloudfront.net with CloudFront's own certificate."
    }
  }
}
