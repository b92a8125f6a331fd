# staging: production's shape at a smaller size. A NAT gateway per AZ, two tasks, deletion
# protection and final snapshots on, RDS Proxy, two Redis nodes (automatic failover). Changes to
# the image only come through release.auto.tfvars.json (pipeline-tools promote --from dev --to staging).
environment = "staging"
# The account this environment lives in: a plan or apply that reached another one stops before
# touching anything. Set it (one account for everything, or one per environment: docs/terraform.md).
# allowed_account_ids = ["123456789012"]
domain_name = "staging.platform.example.com"
# Where its zone comes from (docs/terraform.md, "The first apply"): created here by default; or
# hosted_zone = { zone_id = "Z..." } / { name = "example.org" } / { parent_zone_id = "Z..." }

network = {
  cidr_block           = "10.20.0.0/16"
  azs                  = ["us-east-1a", "us-east-1b"]
  public_subnet_cidrs  = ["10.20.0.0/24", "10.20.1.0/24"]
  private_subnet_cidrs = ["10.20.10.0/24", "10.20.11.0/24"]
  single_nat_gateway   = false
}

# One entry per ECS service; the image of each comes from release.auto.tfvars.json.
services = {
  api = {
    cpu           = 512
    memory        = 1024
    desired_count = 2
    min_capacity  = 2
    max_capacity  = 4
  }
}

database = {
  instance_class          = "db.t4g.small"
  allocated_storage       = 20
  max_allocated_storage   = 100
  multi_az                = false
  deletion_protection     = true
  skip_final_snapshot     = false
  backup_retention_period = 7
  create_proxy            = true
}

cache = {
  node_type          = "cache.t4g.small"
  num_cache_clusters = 2
}

log_retention_days = 90
# The functions package (pipeline_tools' Lambda zip): the alarm notifier (alarms to Slack /
# Discord), the built-in uploads processor and Google sign-in run from it. Built here by
# `pipeline-tools deploy package --root environments/staging` before terraform runs, as in dev, and
# published under a key of this environment's own: in a shared account, each root's state owns
# its object (one object owned by three states would change under each other's reviewed plans).
deployer_package_s3_key = "deployer/staging/pipeline-tools-deployer.zip"
deployer_package_path   = ".build/pipeline-tools-deployer.zip"
# No deploy on ECR push: staging's images change only through its release file, by promotion
# (docs/promotion.md); the apply workflow rolls the promoted digest out.
deploy_on_image_push = false

# Account-level detectors live in one environment only (one GuardDuty detector and one AWS Config
# recorder per account and region; one multi-region trail is enough): prod owns them in the
# shared account. With an account per environment, each environment owns its own.
alarm_email_addresses = ["platform-alerts-staging@example.com"] # set yours: alarms must reach someone
account_detectors     = { cloudtrail = false, guardduty = false, config = false }
# A monthly budget for this environment's resources (their Environment tag), alerting the
# addresses above; prod also watches the account for cost anomalies.
budget = { monthly_limit_usd = 500 }

# Optional parts of the platform (terraform/platform/variables.tf, add_ons): service discovery and
# AWS Backup of the database (35 days) are on by default.
add_ons = {}
