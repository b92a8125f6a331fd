# The auth module with Google sign-in on, for tests/integration/test_google_secret_not_in_state.py:
# planned and (all but the Lambda invocation, which moto cannot run) applied against the emulator,
# neither its plan nor its state may hold the Google client secret, and no plan may read it.
terraform {
  required_version = ">= 1.9"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {}

variable "google_client_secret_arn" {
  description = "The secret the test puts into the emulator out of band, as a team would."
  type        = string
}

variable "package_bucket" {
  description = "Bucket holding the deployer package the test built and uploaded."
  type        = string
}

module "auth" {
  source = "../../../terraform/modules/auth"

  name                = "google-auth"
  domain              = "google-auth-test"
  callback_urls       = ["https://app.example.com/auth/callback"]
  deletion_protection = false

  google_client_id         = "1234567890-abcdef.apps.googleusercontent.com"
  google_client_secret_arn = var.google_client_secret_arn
  google_idp_package = {
    s3_bucket = var.package_bucket
    s3_key    = "deployer/lambda.zip"
  }
}
