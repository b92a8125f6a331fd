# State lives in the bucket bootstrap created; its name contains the account id, so it is given at
# init: terraform init -backend-config=bucket=<project>-tfstate-<account id>
terraform {
  backend "s3" {
    key          = "dev/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
