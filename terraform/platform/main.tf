# The whole platform of one environment: network, the services on ECS Fargate behind an ALB with
# HTTPS and WAF, the frontend on S3 + CloudFront, PostgreSQL, Redis, DNS and certificates, secrets,
# sign-in, integrations, observability, the functions that run from pipeline_tools' package (alarm
# notifier, uploads processor, Google identity provider) and, where ECR pushes deploy by themselves
# (deploy_on_image_push: dev), the deploy trigger. environments/<env> call it with their sizing.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  # Bootstrap's boundary for this environment (github-oidc module): its apply role creates no
  # IAM role without it.
  permissions_boundary_arn = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:policy/${var.project}-boundaries/${var.project}-${var.environment}-permissions-boundary"
  artifacts_bucket         = "${var.project}-artifacts-${local.account_id}"
  # The functions package (pipeline_tools' Lambda zip) exists for this environment: the alarm
  # notifier, the built-in uploads processor and the Google identity provider run from it.
  functions_package = var.deployer_package_s3_key != null
  # ... and is published by this composition (see aws_s3_object.deployer_package).
  publish_deployer_package = local.functions_package && var.deployer_package_path != null
  # ECR pushes deploy by themselves (EventBridge -> deployer Lambda): a separate decision from
  # having the package. Null keeps the behaviour from before the switch: wherever the key is set.
  deploy_on_image_push = var.deploy_on_image_push == null ? local.functions_package : var.deploy_on_image_push

  api_domain      = "api.${var.domain_name}"
  frontend_domain = "app.${var.domain_name}"

  # Records are named relative to the zone: a reused parent zone (example.org for
  # dev.example.org) gets api.dev and app.dev.
  zone_name        = coalesce(var.hosted_zone.name, var.domain_name)
  existing_zone_id = var.hosted_zone.zone_id != null ? var.hosted_zone.zone_id : one(data.aws_route53_zone.existing[*].zone_id)
  record_suffix    = local.zone_name == var.domain_name ? "" : ".${trimsuffix(var.domain_name, ".${local.zone_name}")}"

  # A service "has no release" when release.auto.tfvars.json has no entry for it or only the
  # all-zero placeholder digest: it is created scaled to zero until its first release.
  zero_digest = "sha256:${join("", [for _ in range(64) : "0"])}"
  released = {
    for service in keys(var.services) :
    service => contains(keys(var.releases), service) && try(var.releases[service].digest, local.zero_digest) != local.zero_digest
  }
  repositories = {
    for service, settings in var.services :
    service => try(var.releases[service].repository, coalesce(settings.repository, "${var.project}/${service}"))
  }
  images = {
    for service in keys(var.services) :
    service => "${data.aws_ecr_repository.service[service].repository_url}@${try(var.releases[service].digest, local.zero_digest)}"
  }

  # The primary service holds the cluster and the load balancer's default action; the others join
  # the cluster and, with `routing`, get a listener rule of their own.
  other_services  = { for service, settings in var.services : service => settings if service != var.primary_service }
  routed_services = { for service, settings in local.other_services : service => settings if settings.routing != null }

  service_environment = {
    APP_ENV       = var.environment
    DATABASE_HOST = module.database.address
    DATABASE_PORT = tostring(module.database.port)
    DATABASE_NAME = module.database.db_name
    REDIS_HOST    = module.cache.primary_endpoint_address
    REDIS_PORT    = tostring(module.cache.port)
    REDIS_USER    = module.cache.app_user_id
  }
  service_secrets = {
    DATABASE_USERNAME = "${module.database.master_user_secret_arn}:username::"
    DATABASE_PASSWORD = "${module.database.master_user_secret_arn}:password::"
  }

  all_services = merge({ (var.primary_service) = module.ecs }, module.services)

  # EFS: one file system for the environment, created when a service asks for a directory on it;
  # each such service mounts its own access point and its task role may mount only that one.
  efs_services = { for service, settings in var.services : service => settings.efs if settings.efs != null }
  efs_volumes = {
    for service, efs in local.efs_services : service => {
      file_system_id  = module.efs[0].file_system_id
      access_point_id = module.efs[0].access_point_ids[service]
      container_path  = efs.container_path
      read_only       = efs.read_only
    }
  }
  # The cache's connect policy, plus (for a service with efs) mounting through its access point.
  task_role_policies = {
    for service in keys(var.services) : service => !contains(keys(local.efs_services), service) ? module.cache.connect_policy_json : jsonencode({
      Version = "2012-10-17"
      Statement = concat(jsondecode(module.cache.connect_policy_json).Statement, [{
        Sid       = "MountOwnAccessPoint"
        Effect    = "Allow"
        Action    = local.efs_services[service].read_only ? ["elasticfilesystem:ClientMount"] : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
        Resource  = module.efs[0].file_system_arn
        Condition = { StringEquals = { "elasticfilesystem:AccessPointArn" = module.efs[0].access_point_arns[service] } }
      }])
    })
  }

  # The access-log bucket exists for the uploads bucket (one count for all its parts: checkov
  # follows the bucket's settings through it).
  access_log_bucket_count = local.uploads_on ? 1 : 0
  # Uploads run where their processor's package exists: the application's own, or the built-in
  # processor of the functions package (pipeline_tools/uploads) where that package exists.
  uploads_on            = var.add_ons.uploads.enabled && (var.add_ons.uploads.processor != null || local.functions_package)
  uploads_app_processor = var.add_ons.uploads.processor

  # What AWS Backup backs up: the database, and the file system where one exists.
  backup_resource_arns = concat([module.database.db_instance_arn], module.efs[*].file_system_arn)

  # Cloud Map: every service is registered; other services resolve it by name inside the VPC.
  service_registry_arns = var.add_ons.service_discovery ? module.service_discovery[0].service_registry_arns : {}

  # Deployment alarms per service (null: circuit breaker only); the target group alarms need the
  # service behind the load balancer (the primary always is, the others with `routing`).
  deployment_alarms = {
    for service, settings in var.services : service => settings.deployment_alarms.enable ? {
      rollback                  = settings.deployment_alarms.rollback
      target_group_alarms       = service == var.primary_service || settings.routing != null
      target_5xx_threshold      = settings.deployment_alarms.target_5xx_threshold
      unhealthy_hosts_threshold = settings.deployment_alarms.unhealthy_hosts_threshold
      evaluation_periods        = settings.deployment_alarms.evaluation_periods
      alarm_names               = []
    } : null
  }
}

# --- network ---------------------------------------------------------------------------------

module "network" {
  source = "../modules/network"

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
  source = "../modules/security-groups"

  name           = local.name
  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
}

module "endpoints" {
  source = "../modules/endpoints"

  name               = local.name
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.security_groups.endpoints_security_group_id]
  route_table_ids    = module.network.private_route_table_ids
}

# --- DNS and certificates --------------------------------------------------------------------

# The zone: reused by id or by name (an existing, delegated zone: nothing to wait for), or created
# here for domain_name, delegated from a parent zone in this account when parent_zone_id is given.
data "aws_route53_zone" "existing" {
  count = var.hosted_zone.name != null ? 1 : 0

  name         = var.hosted_zone.name
  private_zone = false
}

module "dns" {
  source = "../modules/dns-certs"

  zone_name          = local.zone_name
  zone_id            = local.existing_zone_id
  parent_zone_id     = var.hosted_zone.parent_zone_id
  force_destroy_zone = var.allow_destroy
  certificates = {
    api = { domain_name = local.api_domain }
  }
  records = {
    api = {
      name  = "api${local.record_suffix}"
      type  = "A"
      alias = { name = module.alb.dns_name, zone_id = module.alb.zone_id }
    }
    app = {
      name  = "app${local.record_suffix}"
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

# --- load balancer ---------------------------------------------------------------------------

module "alb" {
  source = "../modules/alb"

  name                = "${local.name}-api"
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.public_subnet_ids
  security_group_ids  = [module.security_groups.alb_security_group_id]
  certificate_arn     = module.dns.certificate_arns["api"]
  deletion_protection = var.allow_destroy ? false : true
  target_port         = var.services[var.primary_service].port
  health_check        = { path = var.services[var.primary_service].health_check_path }
}

module "waf_alb" {
  source = "../modules/waf"

  name                      = "${local.name}-alb"
  scope                     = "REGIONAL"
  association_resource_arns = [module.alb.arn]
  log_retention_days        = var.log_retention_days
}

# A target group and a listener rule (by host or path) per further service with `routing`.
resource "aws_lb_target_group" "service" {
  #checkov:skip=CKV_AWS_378:TLS terminates at the load balancer; targets are Fargate tasks in private subnets reachable only from the ALB security group, so the hop inside the VPC is plain HTTP by design. exp:2027-02-19
  for_each = local.routed_services

  name                 = substr("${local.name}-${each.key}", 0, 32)
  vpc_id               = module.network.vpc_id
  target_type          = "ip"
  protocol             = "HTTP"
  port                 = each.value.port
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = each.value.health_check_path
    matcher             = "200-399"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener_rule" "service" {
  for_each = local.routed_services

  listener_arn = module.alb.https_listener_arn
  priority     = each.value.routing.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.service[each.key].arn
  }

  dynamic "condition" {
    for_each = each.value.routing.host == null ? [] : [each.value.routing.host]

    content {
      host_header {
        values = [condition.value]
      }
    }
  }

  dynamic "condition" {
    for_each = each.value.routing.path == null ? [] : [each.value.routing.path]

    content {
      path_pattern {
        values = [condition.value]
      }
    }
  }
}

# --- services --------------------------------------------------------------------------------

data "aws_ecr_repository" "service" {
  for_each = var.services

  name = local.repositories[each.key]
}

# The primary service, which also creates the cluster (and the KMS key of its log groups).
module "ecs" {
  source = "../modules/ecs"

  cluster_name           = local.name
  service_name           = var.primary_service
  image                  = local.images[var.primary_service]
  container_port         = var.services[var.primary_service].port
  cpu                    = var.services[var.primary_service].cpu
  memory                 = var.services[var.primary_service].memory
  desired_count          = local.released[var.primary_service] ? var.services[var.primary_service].desired_count : 0
  min_capacity           = local.released[var.primary_service] ? var.services[var.primary_service].min_capacity : 0
  max_capacity           = var.services[var.primary_service].max_capacity
  enable_execute_command = var.services[var.primary_service].enable_execute_command
  subnet_ids             = module.network.private_subnet_ids
  security_group_ids     = [module.security_groups.tasks_security_group_id]
  target_group_arn       = module.alb.target_group_arn
  log_retention_days     = var.log_retention_days
  environment            = merge(local.service_environment, var.services[var.primary_service].environment)
  secrets                = local.service_secrets
  secrets_kms_key_arns   = [module.database.kms_key_arn, module.secrets.kms_key_arn]
  # Redis authenticates the task role itself (IAM authentication): no token to hand out.
  task_role_policy_json = local.task_role_policies[var.primary_service]
  # Safer roll-outs (issue 13).
  deployment_alarms        = local.deployment_alarms[var.primary_service]
  load_balancer_arn_suffix = module.alb.arn_suffix
  alarm_topic_arns         = [module.observability.alerts_topic_arn]
  capacity                 = var.services[var.primary_service].capacity
  xray_daemon              = var.services[var.primary_service].xray_daemon

  service_registry_arn = lookup(local.service_registry_arns, var.primary_service, null)
  efs_volume           = lookup(local.efs_volumes, var.primary_service, null)

  permissions_boundary_arn = local.permissions_boundary_arn
}

# Every further service joins the primary's cluster.
module "services" {
  source   = "../modules/ecs"
  for_each = local.other_services

  create_cluster         = false
  cluster_name           = module.ecs.cluster_name
  log_kms_key_arn        = module.ecs.log_kms_key_arn
  service_name           = each.key
  image                  = local.images[each.key]
  container_port         = each.value.port
  cpu                    = each.value.cpu
  memory                 = each.value.memory
  desired_count          = local.released[each.key] ? each.value.desired_count : 0
  min_capacity           = local.released[each.key] ? each.value.min_capacity : 0
  max_capacity           = each.value.max_capacity
  enable_execute_command = each.value.enable_execute_command
  subnet_ids             = module.network.private_subnet_ids
  security_group_ids     = [module.security_groups.tasks_security_group_id]
  target_group_arn       = each.value.routing == null ? null : aws_lb_target_group.service[each.key].arn
  log_retention_days     = var.log_retention_days
  environment            = merge(local.service_environment, each.value.environment)
  secrets                = local.service_secrets
  secrets_kms_key_arns   = [module.database.kms_key_arn, module.secrets.kms_key_arn]
  # Redis authenticates the task role itself (IAM authentication): no token to hand out.
  task_role_policy_json = local.task_role_policies[each.key]
  # Safer roll-outs (issue 13).
  deployment_alarms        = local.deployment_alarms[each.key]
  load_balancer_arn_suffix = each.value.routing == null ? null : module.alb.arn_suffix
  alarm_topic_arns         = [module.observability.alerts_topic_arn]
  capacity                 = each.value.capacity
  xray_daemon              = each.value.xray_daemon

  service_registry_arn = lookup(local.service_registry_arns, each.key, null)
  efs_volume           = lookup(local.efs_volumes, each.key, null)

  permissions_boundary_arn = local.permissions_boundary_arn
}

# Service discovery: a private DNS namespace in the VPC and a registry per service (A records:
# awsvpc tasks); each ECS service below names its registry and ECS keeps the records current.
module "service_discovery" {
  source = "../modules/service-discovery"
  count  = var.add_ons.service_discovery ? 1 : 0

  namespace_name = "${var.environment}.${var.project}.internal"
  description    = "Services of ${local.name}: <service>.${var.environment}.${var.project}.internal"
  vpc_id         = module.network.vpc_id
  services       = { for service in keys(var.services) : service => { description = "${local.name} ${service}" } }
}

# EFS: encrypted, a mount target per private subnet reachable only from the tasks' security group,
# an access point per service that mounts it; backed up by AWS Backup with the database.
module "efs" {
  source = "../modules/efs"
  count  = length(local.efs_services) > 0 ? 1 : 0

  name                      = "${local.name}-files"
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.security_groups.tasks_security_group_id]
  access_points = {
    for service, efs in local.efs_services : service => { path = "/${service}", uid = efs.uid, gid = efs.gid }
  }
  kms_key_deletion_window_in_days = var.allow_destroy ? 7 : 30
}

# Scheduled and event-driven tasks (add_ons.scheduled_tasks) on the services' cluster, in the
# private subnets with the tasks' security group.
module "scheduled_tasks" {
  source = "../modules/scheduled-tasks"
  count  = length(var.add_ons.scheduled_tasks) > 0 ? 1 : 0

  name                  = "${local.name}-jobs"
  cluster_arn           = module.ecs.cluster_arn
  subnet_ids            = module.network.private_subnet_ids
  security_group_ids    = [module.security_groups.tasks_security_group_id]
  tasks                 = var.add_ons.scheduled_tasks
  log_retention_in_days = var.log_retention_days

  permissions_boundary_arn = local.permissions_boundary_arn
}

# --- data ------------------------------------------------------------------------------------

module "database" {
  source = "../modules/database"

  identifier              = local.name
  subnet_ids              = module.network.private_subnet_ids
  vpc_security_group_ids  = [module.security_groups.rds_security_group_id]
  instance_class          = var.database.instance_class
  allocated_storage       = var.database.allocated_storage
  max_allocated_storage   = var.database.max_allocated_storage
  multi_az                = var.database.multi_az
  deletion_protection     = var.allow_destroy ? false : var.database.deletion_protection
  skip_final_snapshot     = var.database.skip_final_snapshot || var.allow_destroy
  backup_retention_period = var.database.backup_retention_period
  create_proxy            = var.database.create_proxy

  permissions_boundary_arn = local.permissions_boundary_arn
}

module "secrets" {
  source = "../modules/secrets"

  name_prefix = "${var.project}/${var.environment}"
  secrets = var.google_client_id == null ? {} : {
    google-client-secret = {
      description             = "Google OAuth client secret of ${local.name}'s sign-in (put out of band)."
      recovery_window_in_days = var.allow_destroy ? 0 : 30
    }
  }
}

# Redis: no AUTH token at all; every service's task connects as the cache's IAM-authenticated user.
module "cache" {
  source = "../modules/cache"

  name                  = local.name
  node_type             = var.cache.node_type
  num_cache_clusters    = var.cache.num_cache_clusters
  subnet_ids            = module.network.private_subnet_ids
  security_group_ids    = [module.security_groups.redis_security_group_id]
  log_retention_in_days = var.log_retention_days
}

# Backups and recovery: a vault and a daily plan for the database (and the file system, where one
# exists), copied in the recovery region (prod) to the vault bootstrap keeps there, so a region's
# loss or a deleted instance still leaves a restorable copy (runbooks/rds-point-in-time-restore.md).
module "backups" {
  source = "../modules/backups"
  count  = var.add_ons.backups.enabled ? 1 : 0

  name                       = local.name
  resource_arns              = local.backup_resource_arns
  retention_days             = var.add_ons.backups.retention_days
  copy_destination_vault_arn = var.add_ons.backups.copy_region == null ? null : "arn:${data.aws_partition.current.partition}:backup:${var.add_ons.backups.copy_region}:${local.account_id}:backup-vault:${var.project}-recovery"
  copy_retention_days        = var.add_ons.backups.copy_retention_days
  # A throwaway run's keys may go after a week (the shortest window KMS allows).
  kms_key_deletion_window_in_days = var.allow_destroy ? 7 : 30

  permissions_boundary_arn = local.permissions_boundary_arn
}

# --- frontend --------------------------------------------------------------------------------

module "waf_cloudfront" {
  source = "../modules/waf"
  providers = {
    aws = aws.us_east_1
  }

  name               = "${local.name}-cloudfront"
  scope              = "CLOUDFRONT"
  log_retention_days = var.log_retention_days
}

module "frontend" {
  source = "../modules/frontend"

  name                = "${local.name}-web"
  bucket_name         = "${local.name}-web-${local.account_id}"
  force_destroy       = var.allow_destroy
  aliases             = [local.frontend_domain]
  acm_certificate_arn = aws_acm_certificate_validation.frontend.certificate_arn
  web_acl_arn         = module.waf_cloudfront.web_acl_arn
}

# --- sign-in ---------------------------------------------------------------------------------

module "auth" {
  source = "../modules/auth"

  name                = local.name
  domain              = "${local.name}-${local.account_id}"
  callback_urls       = ["https://${local.frontend_domain}/auth/callback"]
  logout_urls         = ["https://${local.frontend_domain}/"]
  deletion_protection = var.allow_destroy ? false : true
  # Google sign-in: set google_client_id and put the client secret into the Secrets Manager
  # secret `<project>/<environment>/google-client-secret` (never into tfvars). A Lambda from the
  # functions package reads it and configures Cognito, so the environment also needs
  # deployer_package_s3_key; neither the state nor the plan role ever sees the secret.
  google_client_id                 = var.google_client_id
  google_client_secret_arn         = var.google_client_id == null ? null : module.secrets.secret_arns["google-client-secret"]
  google_client_secret_kms_key_arn = var.google_client_id == null ? null : module.secrets.kms_key_arn
  google_idp_package = var.google_client_id == null || !local.functions_package ? null : {
    s3_bucket         = local.artifacts_bucket
    s3_key            = var.deployer_package_s3_key
    s3_object_version = local.publish_deployer_package ? aws_s3_object.deployer_package[0].version_id : null
  }
  permissions_boundary_arn = local.permissions_boundary_arn
  log_retention_in_days    = var.log_retention_days
}

# --- integrations ----------------------------------------------------------------------------

# SQS queue + dead-letter queue + Lambda consumer per entry. The consumer's package is built by the
# application that owns it and uploaded to the artifacts bucket.
module "integrations" {
  source   = "../modules/integrations"
  for_each = var.integrations

  name                  = "${local.name}-${each.key}"
  s3_bucket             = local.artifacts_bucket
  s3_key                = each.value.s3_key
  handler               = each.value.handler
  runtime               = each.value.runtime
  batch_size            = each.value.batch_size
  sender_role_arns      = [for service in local.all_services : service.task_role_arn]
  log_retention_in_days = var.log_retention_days

  permissions_boundary_arn = local.permissions_boundary_arn
}

# Uploads pipeline (add_ons.uploads): browsers upload to a private bucket with presigned requests
# from the app's origin; each upload is an S3 event on a queue processed by a Lambda: the
# application's own processor, or the built-in one from the functions package (the same package,
# key and published version as the alarm notifier's).
module "uploads" {
  source = "../modules/uploads"
  count  = local.uploads_on ? 1 : 0

  name                 = "${local.name}-uploads"
  bucket_name          = "${local.name}-uploads-${local.account_id}"
  cors_allowed_origins = ["https://${local.frontend_domain}"]
  access_log_bucket    = aws_s3_bucket.access_logs[0].id
  processor = local.uploads_app_processor != null ? {
    s3_bucket             = local.artifacts_bucket
    s3_key                = local.uploads_app_processor.s3_key
    handler               = local.uploads_app_processor.handler
    runtime               = local.uploads_app_processor.runtime
    timeout_seconds       = local.uploads_app_processor.timeout_seconds
    read_package_version  = true
    s3_object_version     = null
    environment_variables = {}
    } : {
    s3_bucket             = local.artifacts_bucket
    s3_key                = var.deployer_package_s3_key
    handler               = "pipeline_tools.uploads.handler.lambda_handler"
    runtime               = "python3.12"
    timeout_seconds       = 60
    read_package_version  = !local.publish_deployer_package
    s3_object_version     = local.publish_deployer_package ? aws_s3_object.deployer_package[0].version_id : null
    environment_variables = { UPLOADS_MAX_BYTES = tostring(var.add_ons.uploads.max_bytes), UPLOADS_ALLOWED_CONTENT_TYPES = join(",", var.add_ons.uploads.allowed_content_types) }
  }
  # User data survives the loss of a region (prod): every upload and delete marker is replicated to
  # the replica bucket bootstrap keeps in the recovery region, its key named by alias (no provider
  # for that region here), as the backups' copy names bootstrap's recovery vault.
  replication = var.add_ons.uploads.replica_region == null ? null : {
    destination_bucket_arn  = "arn:${data.aws_partition.current.partition}:s3:::${var.project}-uploads-replica-${local.account_id}"
    destination_kms_key_arn = "arn:${data.aws_partition.current.partition}:kms:${var.add_ons.uploads.replica_region}:${local.account_id}:alias/${var.project}-uploads-replica"
  }
  force_destroy                   = var.allow_destroy
  log_retention_in_days           = var.log_retention_days
  kms_key_deletion_window_in_days = var.allow_destroy ? 7 : 30

  permissions_boundary_arn = local.permissions_boundary_arn

  depends_on = [aws_s3_bucket_policy.access_logs]
}

# The uploads bucket's server access logs. S3 delivers them with SSE-S3 only (a KMS key is not
# supported for log delivery), kept a year, never public.
resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_18:This is the access-log bucket itself; logging its own access would log forever. exp:2027-03-01
  #checkov:skip=CKV_AWS_144:Access logs are an audit trail of this region's bucket; a copy in another region adds cost, not recovery. exp:2027-03-01
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 on the target bucket, not SSE-KMS. exp:2027-03-01
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of log objects; they are read on demand. exp:2027-03-01
  #checkov:skip=CKV2_AWS_6:Its public access block is aws_s3_bucket_public_access_block.access_logs below; checkov does not connect the two through the conditional count. exp:2027-03-01
  #checkov:skip=CKV_AWS_21:Versioned by aws_s3_bucket_versioning.access_logs below; checkov does not connect the two through the conditional count. exp:2027-03-01
  #checkov:skip=CKV2_AWS_61:Its lifecycle is aws_s3_bucket_lifecycle_configuration.access_logs below; checkov does not connect the two through the conditional count. exp:2027-03-01
  count = local.access_log_bucket_count

  bucket        = "${local.name}-access-logs-${local.account_id}"
  force_destroy = var.allow_destroy
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  count = local.access_log_bucket_count

  bucket                  = aws_s3_bucket.access_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  count = local.access_log_bucket_count

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "access_logs" {
  count = local.access_log_bucket_count

  bucket = aws_s3_bucket.access_logs[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  count = local.access_log_bucket_count

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  count = local.access_log_bucket_count

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    id     = "expire-logs"
    status = "Enabled"
    filter {}
    expiration {
      days = 365
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

# Only S3's log delivery, for this account's buckets, over TLS.
resource "aws_s3_bucket_policy" "access_logs" {
  count = local.access_log_bucket_count

  bucket = aws_s3_bucket.access_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "S3ServerAccessLogs"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs[0].arn}/s3/*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "TlsOnly"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.access_logs[0].arn, "${aws_s3_bucket.access_logs[0].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

# --- observability ---------------------------------------------------------------------------

module "observability" {
  source = "../modules/observability"

  name                  = local.name
  alarm_email_addresses = var.alarm_email_addresses
  ecs_cluster_name      = module.ecs.cluster_name
  ecs_service_names     = [for service in local.all_services : service.service_name]
  # format() marks the ARN suffix, unknown until the ALB exists, as not null: the module counts
  # its 5xx alarms on `alb_arn_suffix != null`, which must be decidable at plan time.
  alb_arn_suffix          = format("%s", module.alb.arn_suffix)
  rds_instance_identifier = module.database.db_instance_identifier
  enable_cloudtrail       = var.account_detectors.cloudtrail
  enable_guardduty        = var.account_detectors.guardduty
  enable_config           = var.account_detectors.config
  log_retention_in_days   = var.log_retention_days
  force_destroy           = var.allow_destroy

  permissions_boundary_arn = local.permissions_boundary_arn
}

# The functions package (the code of the deployer, the alarm notifier, the uploads processor and
# the Google identity provider), built by `pipeline-tools
# deploy package --root <root>` in the same job before terraform runs and published here: a new
# package is a planned, reviewed change (the object's hash, then both functions' versions), and
# the first apply in a fresh account needs no upload by hand (docs/deployer.md, "The package").
resource "aws_s3_object" "deployer_package" {
  #checkov:skip=CKV_AWS_186:The artifacts bucket's default encryption (bootstrap's state-backend module) is SSE-KMS with the customer-managed key and an S3 Bucket Key; an object written without a key of its own gets exactly that. exp:2027-02-19
  count = local.publish_deployer_package ? 1 : 0

  bucket = local.artifacts_bucket
  key    = var.deployer_package_s3_key
  source = var.deployer_package_path
  # try(): a destroy evaluates this too, and must not need a build; a create or an update cannot
  # get here without the file (the precondition below).
  source_hash  = try(filemd5(var.deployer_package_path), null)
  content_type = "application/zip"

  lifecycle {
    # Checked when planning a create or an update, not a destroy. (Not a variable validation:
    # terraform evaluates both sides of `||`, so a null path failed there.)
    precondition {
      condition     = fileexists(var.deployer_package_path)
      error_message = "deployer_package_path: no file there yet; build it first with `pipeline-tools deploy package --root <this root>`."
    }
  }
}

# Cost guard rails: the environment's monthly budget (its Environment tag) alerting the same people
# as its alarms, and, in the environment that owns the account's detectors, Cost Anomaly Detection.
module "budget" {
  source = "../modules/budget"
  count  = var.budget == null ? 0 : 1

  name              = "${local.name}-monthly"
  monthly_limit_usd = var.budget.monthly_limit_usd
  cost_filters      = { TagKeyValue = ["user:Environment$${var.environment}"] }
  alert_emails      = var.alarm_email_addresses
  anomaly_detection = var.budget.anomaly_detection
}

# Alarms reach people: the alerts topic -> the alarm notifier Lambda -> Slack / Discord, and a
# pager's HTTPS endpoints. The notifier runs from the functions package, so it exists wherever that
# package is (deployer_package_s3_key set: every environment of this repository).
module "alarm_chat" {
  source = "../modules/alarm-chat"
  count  = local.functions_package ? 1 : 0

  name                      = "${local.name}-alarm-chat"
  topic_arn                 = module.observability.alerts_topic_arn
  s3_bucket                 = local.artifacts_bucket
  s3_key                    = var.deployer_package_s3_key
  read_package_version      = !local.publish_deployer_package
  s3_object_version         = local.publish_deployer_package ? aws_s3_object.deployer_package[0].version_id : null
  slack_webhook_secret_id   = var.slack_webhook_secret_id
  discord_webhook_secret_id = var.discord_webhook_secret_id
  pager_https_endpoints     = var.pager_https_endpoints
  log_retention_in_days     = var.log_retention_days

  permissions_boundary_arn = local.permissions_boundary_arn
}

# Without the notifier, a pager that takes SNS over HTTPS subscribes to the topic directly.
resource "aws_sns_topic_subscription" "pager" {
  for_each = local.functions_package ? toset([]) : toset(var.pager_https_endpoints)

  topic_arn              = module.observability.alerts_topic_arn
  protocol               = "https"
  endpoint               = each.value
  endpoint_auto_confirms = false
}

# --- health and certificates (issue 13) -------------------------------------------------------

# Route53 health checks on the two public names, and expiry alarms on their certificates. The
# alarms Route53's and CloudFront's certificate metrics force into us-east-1 notify a topic there
# (the same people subscribed; the chat notifier where it exists) or, in an environment that runs
# in us-east-1, the alerts topic itself.
module "endpoint_health" {
  source    = "../modules/endpoint-health"
  count     = var.endpoint_health.enable ? 1 : 0
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  name = local.name
  endpoints = {
    api      = { fqdn = local.api_domain, path = var.services[var.primary_service].health_check_path }
    frontend = { fqdn = local.frontend_domain, path = var.endpoint_health.frontend_path }
  }
  alarm_evaluation_periods   = var.endpoint_health.alarm_evaluation_periods
  regional_certificate_arns  = { api = module.dns.certificate_arns["api"] }
  us_east_1_certificate_arns = { frontend = aws_acm_certificate.frontend.arn }
  certificate_expiry_days    = var.endpoint_health.certificate_expiry_days
  alarm_topic_arn            = module.observability.alerts_topic_arn
  create_us_east_1_topic     = var.aws_region != "us-east-1"
  us_east_1_alarm_topic_arn  = var.aws_region == "us-east-1" ? module.observability.alerts_topic_arn : null
  alarm_email_addresses      = var.alarm_email_addresses
  pager_https_endpoints      = var.pager_https_endpoints
  subscribe_notifier         = local.functions_package
  notifier_function_arn      = local.functions_package ? module.alarm_chat[0].function_arn : null
}

# --- deploy trigger --------------------------------------------------------------------------

# Every push to ECR deploys to this environment (EventBridge -> deployer Lambda from the functions
# package), where deploy_on_image_push says so (dev). staging and prod change their images only
# through promotion (docs/promotion.md): no trigger there, although they have the package.
module "deploy_trigger" {
  source = "../modules/deploy-trigger"
  count  = local.deploy_on_image_push ? 1 : 0

  name        = "${local.name}-deployer"
  environment = var.environment
  s3_bucket   = local.artifacts_bucket
  s3_key      = var.deployer_package_s3_key
  # Published above: its version, known once uploaded (no object needs to exist before the plan).
  read_package_version = !local.publish_deployer_package
  s3_object_version    = local.publish_deployer_package ? aws_s3_object.deployer_package[0].version_id : null
  deploy_targets = [for name, service in local.all_services : {
    repository  = local.repositories[name]
    tag_pattern = "*"
    environment = var.environment
    cluster     = service.cluster_name
    service     = service.service_name
    container   = service.container_name
  }]
  pass_role_arns                 = flatten([for service in local.all_services : [service.task_role_arn, service.execution_role_arn]])
  lock_table_deletion_protection = !var.allow_destroy
  log_retention_in_days          = var.log_retention_days
  slack_webhook_secret_id        = var.slack_webhook_secret_id
  discord_webhook_secret_id      = var.discord_webhook_secret_id

  permissions_boundary_arn = local.permissions_boundary_arn
}
