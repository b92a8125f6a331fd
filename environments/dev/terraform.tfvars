# dev: small and cheap. One NAT gateway for both AZs, one task per service (api and admin), a
# single-AZ database without deletion protection, one Redis node. Images: release.auto.tfvars.json.
environment = "dev"
# The account this environment lives in: a plan or apply that reached another one stops before
# touching anything. Set it (one account for everything, or one per environment: docs/terraform.md).
# allowed_account_ids = ["123456789012"]
domain_name = "dev.platform.example.com"
# Where its zone comes from (docs/terraform.md, "The first apply"): created here by default; or
# hosted_zone = { zone_id = "Z..." } / { name = "example.org" } / { parent_zone_id = "Z..." }

network = {
  cidr_block           = "10.10.0.0/16"
  azs                  = ["us-east-1a", "us-east-1b"]
  public_subnet_cidrs  = ["10.10.0.0/24", "10.10.1.0/24"]
  private_subnet_cidrs = ["10.10.10.0/24", "10.10.11.0/24"]
  single_nat_gateway   = true
}

# One entry per ECS service; the image of each comes from release.auto.tfvars.json.
services = {
  api = {
    cpu                    = 256
    memory                 = 512
    desired_count          = 1
    min_capacity           = 1
    max_capacity           = 2
    enable_execute_command = true
  }
  # A second service on the same cluster and load balancer: requests to api.<domain>/admin/* go to it.
  admin = {
    cpu               = 256
    memory            = 512
    desired_count     = 1
    min_capacity      = 1
    max_capacity      = 2
    health_check_path = "/admin/health"
    routing           = { path = "/admin/*", priority = 100 }
    # Dev tolerates a task stopped with two minutes' notice: spot capacity (prod stays on-demand).
    capacity = "FARGATE_SPOT"
  }
}

database = {
  instance_class          = "db.t4g.micro"
  allocated_storage       = 20
  max_allocated_storage   = 50
  multi_az                = false
  deletion_protection     = false
  skip_final_snapshot     = true
  backup_retention_period = 1
  create_proxy            = false
}

cache = {
  node_type          = "cache.t4g.micro"
  num_cache_clusters = 1
}

log_retention_days = 30
# The functions package (pipeline_tools' Lambda zip: deployer, alarm notifier, uploads processor),
# built here by `pipeline-tools deploy package --root environments/dev` before terraform runs (the
# pipeline's jobs and make local-apply do it); terraform publishes it to the key below.
deployer_package_s3_key = "deployer/pipeline-tools-deployer.zip"
deployer_package_path   = ".build/pipeline-tools-deployer.zip"
# dev deploys every image pushed to ECR by itself (EventBridge -> deployer Lambda).
deploy_on_image_push = true

# Account-level detectors live in one environment only (one GuardDuty detector and one AWS Config
# recorder per account and region; one multi-region trail is enough): prod owns them in the
# shared account. With an account per environment, each environment owns its own.
alarm_email_addresses = ["platform-alerts-dev@example.com"] # set yours: alarms must reach someone
account_detectors     = { cloudtrail = false, guardduty = false, config = false }
# A monthly budget for this environment's resources (their Environment tag), alerting the
# addresses above; prod also watches the account for cost anomalies.
budget = { monthly_limit_usd = 300 }

# Optional parts of the platform (terraform/platform/variables.tf, add_ons): service discovery is
# on. AWS Backup is off in dev: its database is disposable (no final snapshot, RDS's own one-day
# snapshots), and the local emulator has no AWS Backup selections (docs/local-aws.md).
add_ons = {
  backups = { enabled = false }
}
