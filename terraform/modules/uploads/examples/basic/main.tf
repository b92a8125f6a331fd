# An uploads pipeline for one web app origin. Applied, re-planned and destroyed against the local
# AWS emulator by tests/integration/test_seed_modules.py.

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

  # A throwaway example: destroy empties the bucket, and its keys may go after a week.
  force_destroy                   = true
  kms_key_deletion_window_in_days = 7
}
