# Bootstrap keeps its state in the bucket it creates. The bucket name contains the account id, so
# it is given at init: terraform init -backend-config=bucket=<project>-tfstate-<account id>.
# The very first apply runs with local state and is then migrated (see README.md).
terraform {
  backend "s3" {
    key          = "bootstrap/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
