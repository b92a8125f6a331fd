# ---------------------------------------------------------------------------------------------
# Optional: replication of every upload (and delete marker) to a replica bucket in another
# region (prod: bootstrap's replica bucket in the recovery region; the replica-bucket module)
# ---------------------------------------------------------------------------------------------
locals {
  replicate = var.replication != null
  # The replica key may be named by its alias ARN (the source's root then needs no provider in
  # the replica's region); IAM grants use of a key by key ARN only, so an alias is matched on the
  # key's aliases instead.
  replica_key_by_alias  = local.replicate && can(regex(":alias/", try(var.replication.destination_kms_key_arn, "")))
  replica_key_region    = local.replicate ? split(":", var.replication.destination_kms_key_arn)[3] : null
  replica_key_resources = !local.replicate ? [] : local.replica_key_by_alias ? ["arn:${local.partition}:kms:${local.replica_key_region}:${local.account_id}:key/*"] : [var.replication.destination_kms_key_arn]
  replica_key_alias     = local.replica_key_by_alias ? "alias/${split(":alias/", var.replication.destination_kms_key_arn)[1]}" : null
}

data "aws_region" "current" {}

data "aws_iam_policy_document" "replication_assume" {
  count = local.replicate ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    # S3 may assume it for this account's buckets only (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "replication" {
  count = local.replicate ? 1 : 0

  name                 = "${var.name}-replication"
  description          = "S3 replication of ${var.bucket_name} to ${var.replication.destination_bucket_arn}"
  assume_role_policy   = data.aws_iam_policy_document.replication_assume[0].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

# The minimum S3 replication needs: read the source's configuration, versions and their tags;
# write replicas, delete markers and tags to the destination; decrypt with the source's key and
# encrypt with the replica's, each only through S3 and for its own bucket.
data "aws_iam_policy_document" "replication" {
  count = local.replicate ? 1 : 0

  statement {
    sid       = "ReadSourceConfiguration"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [aws_s3_bucket.uploads.arn]
  }

  statement {
    sid       = "ReadSourceVersions"
    actions   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
    resources = ["${aws_s3_bucket.uploads.arn}/*"]
  }

  statement {
    sid       = "WriteReplicas"
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    resources = ["${var.replication.destination_bucket_arn}/*"]
  }

  statement {
    sid       = "DecryptSource"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.bucket.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }

    # The source uses an S3 Bucket Key: the context is the bucket's ARN (or an object's).
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"]
    }
  }

  statement {
    sid       = "EncryptReplicas"
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = local.replica_key_resources

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.replica_key_region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [var.replication.destination_bucket_arn, "${var.replication.destination_bucket_arn}/*"]
    }

    dynamic "condition" {
      for_each = local.replica_key_by_alias ? [local.replica_key_alias] : []
      content {
        test     = "ForAnyValue:StringEquals"
        variable = "kms:ResourceAliases"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role_policy" "replication" {
  count = local.replicate ? 1 : 0

  name   = "replicate-uploads"
  role   = aws_iam_role.replication[0].id
  policy = data.aws_iam_policy_document.replication[0].json
}

resource "aws_s3_bucket_replication_configuration" "uploads" {
  count = local.replicate ? 1 : 0

  bucket = aws_s3_bucket.uploads.id
  role   = aws_iam_role.replication[0].arn

  rule {
    id       = "uploads-to-replica"
    status   = "Enabled"
    priority = 1

    # Every object: uploads the processor rejected are user data too until they expire.
    filter {}

    # A delete in the source is a delete marker in the replica; the replica's versions stay
    # restorable (its lifecycle decides for how long).
    delete_marker_replication {
      status = "Enabled"
    }

    # Every upload is SSE-KMS: without this, S3 replicates none of them.
    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket        = var.replication.destination_bucket_arn
      storage_class = var.replication.storage_class

      encryption_configuration {
        replica_kms_key_id = var.replication.destination_kms_key_arn
      }
    }
  }

  # S3 refuses a replication configuration on a bucket without versioning, and the role's policy
  # must exist before S3 checks it.
  depends_on = [aws_s3_bucket_versioning.uploads, aws_iam_role_policy.replication]
}
