# Credentials and endpoints come from the environment (OIDC role in CI, a profile or
# AWS_ENDPOINT_URL + test credentials for the local emulator); nothing here names them.
# Tag keys are capitalised like the modules' own (IAM rejects keys differing only in case).
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = var.project
      Environment = "bootstrap"
      ManagedBy   = "terraform"
    }
  }
}

# The recovery region (recovery_region): the vault prod's backups are copied to. Unset, it points
# at the main region and creates nothing there.
provider "aws" {
  alias  = "recovery"
  region = coalesce(var.recovery_region, var.aws_region)

  default_tags {
    tags = {
      Project     = var.project
      Environment = "bootstrap"
      ManagedBy   = "terraform"
    }
  }
}
