# Credentials and endpoints come from the environment (OIDC role in CI, a profile locally, or
# AWS_ENDPOINT_URL + test credentials for the emulator); nothing here names them.
# allowed_account_ids stops a plan or apply that reached the wrong account. (Tags written out in
# both providers: the roots stay under their line budget, tests/unit/repository/test_terraform_static.py.)
provider "aws" {
  region              = var.aws_region
  allowed_account_ids = var.allowed_account_ids
  default_tags { tags = { Project = coalesce(var.project, "platform"), Environment = var.environment, ManagedBy = "terraform" } }
}

# CloudFront only accepts ACM certificates and WAF web ACLs from us-east-1.
provider "aws" {
  alias               = "us_east_1"
  region              = "us-east-1"
  allowed_account_ids = var.allowed_account_ids
  default_tags { tags = { Project = coalesce(var.project, "platform"), Environment = var.environment, ManagedBy = "terraform" } }
}
