# An uploads pipeline for one web app origin, replicated to a replica bucket in a second region
# (as prod's uploads are to bootstrap's replica bucket in the recovery region). Applied,
# re-planned and destroyed against the local AWS emulator by tests/integration/test_seed_modules.py.

# The destination: a versioned, KMS-encrypted bucket in the replica region.
module "replica" {
  source    = "../../../replica-bucket"
  providers = { aws = aws.replica }

  bucket_name                     = "${var.bucket_name}-replica"
  kms_alias_name                  = "example-uploads-replica"
  force_destroy                   = true
  kms_key_deletion_window_in_days = 7
}

module "uploads" {
  source = "../.."

  name                 = "example-uploads"
  bucket_name          = var.bucket_name
  cors_allowed_origins = ["https://app.example.com"]
  access_log_bucket    = var.access_log_bucket

  processor = {
    s3_bucket = var.package_bucket
    s3_key    = var.package_key
    handler   = "processor.handle"
  }

  # Every upload and delete marker is copied there, re-encrypted with the replica's key (named by
  # its alias ARN, as the platform does: no lookup in the other region).
  replication = {
    destination_bucket_arn  = module.replica.bucket_arn
    destination_kms_key_arn = module.replica.kms_alias_arn
  }

  # A throwaway example: destroy empties the bucket, and its keys may go after a week.
  force_destroy                   = true
  kms_key_deletion_window_in_days = 7
}
