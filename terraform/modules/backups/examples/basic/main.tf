# Daily backups with a copy in the recovery region (prod's shape). Planned against the local AWS
# emulator by tests/integration/test_seed_modules.py (moto's AWS Backup has no backup selections:
# docs/local-aws.md).

module "recovery_vault" {
  source = "../.."
  providers = {
    aws = aws.recovery
  }

  name = "example-prod-recovery"
}

module "backups" {
  source = "../.."

  name                       = "example-prod"
  resource_arns              = var.resource_arns
  copy_destination_vault_arn = module.recovery_vault.vault_arn
  retention_days             = 35
  copy_retention_days        = 90
}
