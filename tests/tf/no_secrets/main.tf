# The smallest root that uses the modules holding credentials (database, cache), for
# tests/integration/test_no_secret_in_state.py: applied against the emulator, its state must hold
# no secret value.
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {}

resource "aws_vpc" "this" {
  cidr_block = "10.42.0.0/16"
}

resource "aws_subnet" "private" {
  for_each = { a = "10.42.1.0/24", b = "10.42.2.0/24" }

  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = "us-east-1${each.key}"
}

resource "aws_security_group" "data" {
  name   = "no-secrets-data"
  vpc_id = aws_vpc.this.id
}

module "database" {
  source = "../../../terraform/modules/database"

  identifier             = "no-secrets"
  subnet_ids             = [for s in aws_subnet.private : s.id]
  vpc_security_group_ids = [aws_security_group.data.id]
  deletion_protection    = false
  skip_final_snapshot    = true
}

module "cache" {
  source = "../../../terraform/modules/cache"

  name               = "no-secrets"
  subnet_ids         = [for s in aws_subnet.private : s.id]
  security_group_ids = [aws_security_group.data.id]
}

output "master_user_secret_arn" {
  value = module.database.master_user_secret_arn
}

output "connect_policy_json" {
  value = module.cache.connect_policy_json
}
