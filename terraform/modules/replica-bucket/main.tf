# A replica bucket in the recovery region: the destination S3 replication copies a bucket holding
# user data to (prod's uploads). Private, versioned (replication needs it on both sides),
# encrypted with its own KMS key (replicas are re-encrypted with it), TLS-only, superseded
# versions expired. One per account and region, so bootstrap owns it, as the recovery vault.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the replicas in ${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # The account's IAM policies decide who may use it: the replication roles of the source buckets
  # (encrypt, through S3 only) and whoever restores an object from the replica (decrypt).
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

# Source buckets name the key by this alias (an alias ARN is a valid replica key id), so their
# roots need no provider in this region to look the key up.
resource "aws_kms_alias" "this" {
  name          = "alias/${var.kms_alias_name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:The replica receives only S3 replication writes, recorded in the source bucket's access logs and CloudTrail; restores read it rarely and by hand. exp:2027-03-01
  #checkov:skip=CKV_AWS_144:This bucket is itself the cross-region copy; replicating it again adds a third region's cost, not recovery. exp:2027-03-01
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of replicas; they are read on demand during a restore. exp:2027-03-01
  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = merge(var.tags, { Name = var.bucket_name })
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-superseded-versions"
    status = "Enabled"

    filter {}

    # A replicated delete marker makes the replica's object noncurrent: it stays restorable this long.
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

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

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
