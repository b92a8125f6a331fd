# Uploads pipeline: browsers upload to a private bucket with presigned requests (CORS for the app's
# origins), S3 notifies an encrypted SQS queue of each new object under the upload prefix, and a
# Lambda processor consumes the queue (the integrations module: batches, partial batch failures,
# a dead-letter queue). The queue, not a direct S3 -> Lambda trigger, absorbs bursts and retries.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
}

# ---------------------------------------------------------------------------------------------
# The bucket: private, versioned, KMS-encrypted, TLS-only, access-logged
# ---------------------------------------------------------------------------------------------
resource "aws_kms_key" "bucket" {
  description             = "Encrypts the uploads in ${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # A key policy's "*" resource means this key. The account's IAM policies decide who may use it:
  # the processor's role is granted decrypt below, uploaders get it with their presigning role.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EnableIamPolicies"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "bucket" {
  name          = "alias/${var.name}-bucket"
  target_key_id = aws_kms_key.bucket.key_id
}

resource "aws_s3_bucket" "uploads" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is the optional `replication` (replication.tf; prod replicates to the recovery region); checkov cannot follow its conditional count, and dev's and staging's uploads are not worth a second region. exp:2027-03-01
  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = merge(var.tags, { Name = var.bucket_name })
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.bucket.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    id     = "expire-superseded-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    # Browsers abandon multipart uploads; their parts would be billed forever.
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.uploads]
}

resource "aws_s3_bucket_logging" "uploads" {
  bucket        = aws_s3_bucket.uploads.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${var.bucket_name}/"
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_origins = var.cors_allowed_origins
    allowed_methods = var.cors_allowed_methods
    allowed_headers = ["*"]
    # The browser needs the ETag of each part to complete a multipart upload.
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.uploads.arn,
      "${aws_s3_bucket.uploads.arn}/*",
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
}

resource "aws_s3_bucket_policy" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.uploads]
}

# ---------------------------------------------------------------------------------------------
# Queue + processor (the integrations module), fed by the bucket's event notifications
# ---------------------------------------------------------------------------------------------
module "processor" {
  source = "../integrations"

  name                  = "${var.name}-processor"
  s3_bucket             = var.processor.s3_bucket
  s3_key                = var.processor.s3_key
  read_package_version  = var.processor.read_package_version
  s3_object_version     = var.processor.s3_object_version
  handler               = var.processor.handler
  runtime               = var.processor.runtime
  memory_size           = var.processor.memory_size
  timeout_seconds       = var.processor.timeout_seconds
  environment_variables = merge(var.processor.environment_variables, { UPLOADS_BUCKET = aws_s3_bucket.uploads.id })
  max_receive_count     = var.max_receive_count

  # S3 may send this bucket's notifications, and nothing else's.
  service_senders = [{ service = "s3.amazonaws.com", source_arn = aws_s3_bucket.uploads.arn }]

  log_retention_in_days           = var.log_retention_in_days
  kms_key_deletion_window_in_days = var.kms_key_deletion_window_in_days
  permissions_boundary_arn        = var.permissions_boundary_arn
  tags                            = var.tags
}

data "aws_iam_policy_document" "read_uploads" {
  statement {
    sid       = "ReadUploads"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.uploads.arn}/${var.upload_prefix}*"]
  }

  # The verdict goes on the object as a tag (the built-in processor: processed=true or
  # rejected=<reason>); the processor never rewrites or deletes an upload.
  statement {
    sid       = "TagUploads"
    actions   = ["s3:GetObjectTagging", "s3:PutObjectTagging"]
    resources = ["${aws_s3_bucket.uploads.arn}/${var.upload_prefix}*"]
  }

  statement {
    sid       = "DecryptUploads"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.bucket.arn]
  }
}

resource "aws_iam_role_policy" "read_uploads" {
  name   = "read-uploads"
  role   = module.processor.role_name
  policy = data.aws_iam_policy_document.read_uploads.json
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  queue {
    id            = "uploads-to-processor"
    queue_arn     = module.processor.queue_arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = var.upload_prefix == "" ? null : var.upload_prefix
  }
}
