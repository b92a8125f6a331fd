# One environment of the platform: network, the `api` service on ECS Fargate behind an ALB with
# HTTPS and WAF, the frontend on S3 + CloudFront, PostgreSQL, Redis, DNS and certificates, and
# secrets. Sizing comes from terraform.tfvars; the image comes from release.auto.tfvars.json.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  # Bootstrap's boundary for this environment (github-oidc module): its apply role creates no
  # IAM role without it.
  permissions_boundary_arn = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:policy/${var.project}-boundaries/${var.project}-${var.environment}-permissions-boundary"
  default_tags = {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  }
  api_domain      = "api.${var.domain_name}"
  frontend_domain = "app.${var.domain_name}"
}

# --- network ---------------------------------------------------------------------------------

module "network" {
  source = "../../terraform/modules/network"

  name                    = local.name
  cidr_block              = var.network.cidr_block
  azs                     = var.network.azs
  public_subnet_cidrs     = var.network.public_subnet_cidrs
  private_subnet_cidrs    = var.network.private_subnet_cidrs
  single_nat_gateway      = var.network.single_nat_gateway
  flow_log_retention_days = var.log_retention_days

  permissions_boundary_arn = local.permissions_boundary_arn
}

module "security_groups" {
  source = "../../terraform/modules/security-groups"

  name           = local.name
  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
}

module "endpoints" {
  source = "../../terraform/modules/endpoints"

  name               = local.name
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.security_groups.endpoints_security_group_id]
  route_table_ids    = module.network.private_route_table_ids
}

# --- DNS and certificates --------------------------------------------------------------------

module "dns" {
  source = "../../terraform/modules/dns-certs"

  zone_name          = var.domain_name
  force_destroy_zone = var.allow_destroy
  certificates = {
    api = { domain_name = local.api_domain }
  }
  records = {
    api = {
      name  = "api"
      type  = "A"
      alias = { name = module.alb.dns_name, zone_id = module.alb.zone_id }
    }
    app = {
      name  = "app"
      type  = "A"
      alias = { name = module.frontend.distribution_domain_name, zone_id = module.frontend.distribution_hosted_zone_id, evaluate_target_health = false }
    }
  }
}

# The frontend's certificate must live in us-east-1 (CloudFront), validated in the same zone.
# (A second dns-certs instance cannot take the zone id: its count would depend on a value
# unknown until the zone exists.)
resource "aws_acm_certificate" "frontend" {
  provider = aws.us_east_1

  domain_name       = local.frontend_domain
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "frontend_certificate_validation" {
  for_each = {
    for option in aws_acm_certificate.frontend.domain_validation_options : option.domain_name => option
  }

  zone_id         = module.dns.zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "frontend" {
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.frontend.arn
  validation_record_fqdns = [for record in aws_route53_record.frontend_certificate_validation : record.fqdn]
}

# --- the api service -------------------------------------------------------------------------

data "aws_ecr_repository" "api" {
  name = var.releases["api"].repository
}

module "alb" {
  source = "../../terraform/modules/alb"

  name                = "${local.name}-api"
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.public_subnet_ids
  security_group_ids  = [module.security_groups.alb_security_group_id]
  certificate_arn     = module.dns.certificate_arns["api"]
  deletion_protection = !var.allow_destroy
}

module "waf_alb" {
  source = "../../terraform/modules/waf"

  name                      = "${local.name}-alb"
  scope                     = "REGIONAL"
  association_resource_arns = [module.alb.arn]
  log_retention_days        = var.log_retention_days
}

module "ecs" {
  source = "../../terraform/modules/ecs"

  cluster_name           = local.name
  service_name           = "api"
  image                  = "${data.aws_ecr_repository.api.repository_url}@${var.releases["api"].digest}"
  cpu                    = var.service.cpu
  memory                 = var.service.memory
  desired_count          = var.service.desired_count
  min_capacity           = var.service.min_capacity
  max_capacity           = var.service.max_capacity
  enable_execute_command = var.service.enable_execute_command
  subnet_ids             = module.network.private_subnet_ids
  security_group_ids     = [module.security_groups.tasks_security_group_id]
  target_group_arn       = module.alb.target_group_arn
  log_retention_days     = var.log_retention_days
  environment = {
    APP_ENV       = var.environment
    DATABASE_HOST = module.database.address
    DATABASE_PORT = tostring(module.database.port)
    DATABASE_NAME = module.database.db_name
    REDIS_HOST    = module.cache.primary_endpoint_address
    REDIS_PORT    = tostring(module.cache.port)
    REDIS_USER    = module.cache.app_user_id
  }
  secrets = {
    DATABASE_USERNAME = "${module.database.master_user_secret_arn}:username::"
    DATABASE_PASSWORD = "${module.database.master_user_secret_arn}:password::"
  }
  secrets_kms_key_arns = [module.database.kms_key_arn, module.secrets.kms_key_arn]
  # Redis authenticates the task role itself (IAM authentication): no token to hand out.
  task_role_policy_json = module.cache.connect_policy_json

  permissions_boundary_arn = local.permissions_boundary_arn
}

# --- data ------------------------------------------------------------------------------------

module "database" {
  source = "../../terraform/modules/database"

  identifier              = local.name
  subnet_ids              = module.network.private_subnet_ids
  vpc_security_group_ids  = [module.security_groups.rds_security_group_id]
  instance_class          = var.database.instance_class
  allocated_storage       = var.database.allocated_storage
  max_allocated_storage   = var.database.max_allocated_storage
  multi_az                = var.database.multi_az
  deletion_protection     = var.database.deletion_protection && !var.allow_destroy
  skip_final_snapshot     = var.database.skip_final_snapshot || var.allow_destroy
  backup_retention_period = var.database.backup_retention_period
  create_proxy            = var.database.create_proxy

  permissions_boundary_arn = local.permissions_boundary_arn
}

module "secrets" {
  source = "../../terraform/modules/secrets"

  name_prefix = "${var.project}/${var.environment}"
  secrets = var.google_client_id == null ? {} : {
    google-client-secret = {
      description             = "Google OAuth client secret of ${local.name}'s sign-in (put out of band)."
      recovery_window_in_days = var.allow_destroy ? 0 : 30
    }
  }
}

# Redis: no AUTH token at all; the api task connects as the cache's IAM-authenticated user.
module "cache" {
  source = "../../terraform/modules/cache"

  name                  = local.name
  node_type             = var.cache.node_type
  num_cache_clusters    = var.cache.num_cache_clusters
  subnet_ids            = module.network.private_subnet_ids
  security_group_ids    = [module.security_groups.redis_security_group_id]
  log_retention_in_days = var.log_retention_days
}

# --- frontend --------------------------------------------------------------------------------

module "waf_cloudfront" {
  source = "../../terraform/modules/waf"
  providers = {
    aws = aws.us_east_1
  }

  name               = "${local.name}-cloudfront"
  scope              = "CLOUDFRONT"
  log_retention_days = var.log_retention_days
}

module "frontend" {
  source = "../../terraform/modules/frontend"

  name                = "${local.name}-web"
  bucket_name         = "${local.name}-web-${local.account_id}"
  force_destroy       = var.allow_destroy
  aliases             = [local.frontend_domain]
  acm_certificate_arn = aws_acm_certificate_validation.frontend.certificate_arn
  web_acl_arn         = module.waf_cloudfront.web_acl_arn
}

# --- sign-in ---------------------------------------------------------------------------------

module "auth" {
  source = "../../terraform/modules/auth"

  name                = local.name
  domain              = "${local.name}-${local.account_id}"
  callback_urls       = ["https://${local.frontend_domain}/auth/callback"]
  logout_urls         = ["https://${local.frontend_domain}/"]
  deletion_protection = !var.allow_destroy
  # Google sign-in: set google_client_id in terraform.tfvars and put the client secret into the
  # Secrets Manager secret `<project>/<environment>/google-client-secret` (never into tfvars).
  google_client_id         = var.google_client_id
  google_client_secret_arn = var.google_client_id == null ? null : module.secrets.secret_arns["google-client-secret"]
}

# --- integrations ----------------------------------------------------------------------------

# SQS queue + dead-letter queue + Lambda consumer per entry. The consumer's package is built by the
# application that owns it and uploaded to the artifacts bucket; none is configured by default.
module "integrations" {
  source   = "../../terraform/modules/integrations"
  for_each = var.integrations

  name                  = "${local.name}-${each.key}"
  s3_bucket             = "${var.project}-artifacts-${local.account_id}"
  s3_key                = each.value.s3_key
  handler               = each.value.handler
  runtime               = each.value.runtime
  batch_size            = each.value.batch_size
  sender_role_arns      = [module.ecs.task_role_arn]
  log_retention_in_days = var.log_retention_days

  permissions_boundary_arn = local.permissions_boundary_arn
}

# --- observability ---------------------------------------------------------------------------

module "observability" {
  source = "../../terraform/modules/observability"

  name                  = local.name
  alarm_email_addresses = var.alarm_email_addresses
  ecs_cluster_name      = module.ecs.cluster_name
  ecs_service_names     = [module.ecs.service_name]
  # format() marks the ARN suffix, unknown until the ALB exists, as not null: the module counts
  # its 5xx alarms on `alb_arn_suffix != null`, which must be decidable at plan time.
  alb_arn_suffix          = format("%s", module.alb.arn_suffix)
  rds_instance_identifier = module.database.db_instance_identifier
  enable_cloudtrail       = var.enable_cloudtrail
  enable_guardduty        = var.enable_guardduty
  log_retention_in_days   = var.log_retention_days
  force_destroy           = var.allow_destroy

  permissions_boundary_arn = local.permissions_boundary_arn
}
