# Credentials and endpoints come from the environment (OIDC role in CI, a profile locally, or
# AWS_ENDPOINT_URL + test credentials for the emulator); nothing here names them.
# Tag keys are capitalised like the modules' own (IAM rejects keys differing only in case).
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.default_tags
  }
}

# CloudFront only accepts ACM certificates and WAF web ACLs from us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}
