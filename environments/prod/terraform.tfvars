# prod: three AZs with a NAT gateway each, Multi-AZ PostgreSQL behind RDS Proxy with deletion
# protection and final snapshots, three Redis nodes, at least three tasks. Changes to the image
# only come through release.auto.tfvars.json (pipeline-tools promote --from staging --to prod).
environment = "prod"
# The account this environment lives in: a plan or apply that reached another one stops before
# touching anything. Set it (one account for everything, or one per environment: docs/terraform.md).
# allowed_account_ids = ["123456789012"]
domain_name = "platform.example.com"
# Where its zone comes from (docs/terraform.md, "The first apply"): created here by default; or
# hosted_zone = { zone_id = "Z..." } / { name = "example.org" } / { parent_zone_id = "Z..." }

network = {
  cidr_block           = "10.30.0.0/16"
  azs                  = ["us-east-1a", "us-east-1b", "us-east-1c"]
  public_subnet_cidrs  = ["10.30.0.0/24", "10.30.1.0/24", "10.30.2.0/24"]
  private_subnet_cidrs = ["10.30.10.0/24", "10.30.11.0/24", "10.30.12.0/24"]
  single_nat_gateway   = false
}

# One entry per ECS service; the image of each comes from release.auto.tfvars.json.
services = {
  api = {
    cpu           = 1024
    memory        = 2048
    desired_count = 3
    min_capacity  = 3
    max_capacity  = 12
  }
}

database = {
  instance_class          = "db.r6g.large"
  allocated_storage       = 100
  max_allocated_storage   = 500
  multi_az                = true
  deletion_protection     = true
  skip_final_snapshot     = false
  backup_retention_period = 30
  create_proxy            = true
}

cache = {
  node_type          = "cache.r7g.large"
  num_cache_clusters = 3
}

log_retention_days = 365
# The functions package (pipeline_tools' Lambda zip): the alarm notifier (alarms to Slack /
# Discord), the built-in uploads processor and Google sign-in run from it. Built here by
# `pipeline-tools deploy package --root environments/prod` before terraform runs, as in dev, and
# published under a key of this environment's own: in a shared account, each root's state owns
# its object (one object owned by three states would change under each other's reviewed plans).
deployer_package_s3_key = "deployer/prod/pipeline-tools-deployer.zip"
deployer_package_path   = ".build/pipeline-tools-deployer.zip"
# No deploy on ECR push: prod's images change only through its release file, by promotion
# (docs/promotion.md); the apply workflow rolls the promoted digest out.
deploy_on_image_push = false

# Account-level detectors live in one environment only (one GuardDuty detector and one AWS Config
# recorder per account and region; one multi-region trail is enough): prod owns them in the
# shared account. With an account per environment, each environment owns its own.
alarm_email_addresses = ["platform-alerts-prod@example.com"] # set yours: alarms must reach someone
account_detectors     = { cloudtrail = true, guardduty = true, config = true }
# A monthly budget for this environment's resources (their Environment tag), alerting the
# addresses above; prod also watches the account for cost anomalies.
budget = { monthly_limit_usd = 3000, anomaly_detection = true }

# Optional parts of the platform (terraform/platform/variables.tf, add_ons): service discovery,
# AWS Backup of the database and the uploads pipeline are on by default; prod also copies every
# recovery point to the recovery region's vault, and replicates its uploads (user data) to the
# replica bucket there (both in bootstrap's recovery_region).
add_ons = {
  backups = { retention_days = 35, copy_region = "us-west-2", copy_retention_days = 35 }
  uploads = { replica_region = "us-west-2" }
}
