variable "aws_region" {
  description = "Region of the environment (the root's provider region); every availability zone in `network.azs` must be in it."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as us-east-1."
  }
}

variable "project" {
  description = "Project prefix of every name (cluster `<project>-<environment>`, buckets `<project>-...-<account id>`)."
  type        = string
  nullable    = false
  default     = "platform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be 2 to 21 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "domain_name" {
  description = "Domain of the environment: the primary service is served at `api.<domain_name>`, the frontend at `app.<domain_name>`. Its zone comes from `hosted_zone`. Use a domain you control (ACM never issues certificates for example.com)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "hosted_zone" {
  description = <<-EOT
    The Route53 zone that serves domain_name. `{}` (default): create a zone named domain_name here
    and delegate it yourself (output zone_name_servers). `{ parent_zone_id = "Z..." }`: create it
    and write its NS delegation into that parent zone (same account) in the same apply.
    `{ zone_id = "Z..." }`: reuse the zone of domain_name by id. `{ name = "example.org" }`: reuse an
    existing public zone by name, domain_name being that name or inside it (records become
    `api.<prefix>` and `app.<prefix>`). A reused zone must already be delegated.
  EOT
  type = object({
    zone_id        = optional(string)
    name           = optional(string)
    parent_zone_id = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = length([for value in [var.hosted_zone.zone_id, var.hosted_zone.name, var.hosted_zone.parent_zone_id] : value if value != null]) <= 1
    error_message = "hosted_zone takes at most one of zone_id, name and parent_zone_id."
  }

  validation {
    condition = alltrue([for id in [var.hosted_zone.zone_id, var.hosted_zone.parent_zone_id] :
    id == null ? true : can(regex("^Z[A-Z0-9]{1,31}$", id))])
    error_message = "hosted_zone.zone_id and parent_zone_id must be Route53 hosted zone IDs (Z...)."
  }

  validation {
    condition     = var.hosted_zone.name == null ? true : (var.hosted_zone.name == var.domain_name || endswith(var.domain_name, ".${coalesce(var.hosted_zone.name, "-")}"))
    error_message = "hosted_zone.name must be domain_name or a parent domain of it."
  }
}

variable "network" {
  description = "VPC layout: CIDR, availability zones with one public and one private subnet each, and whether a single NAT gateway serves all AZs (cheaper, not AZ-resilient)."
  type = object({
    cidr_block           = string
    azs                  = list(string)
    public_subnet_cidrs  = list(string)
    private_subnet_cidrs = list(string)
    single_nat_gateway   = bool
  })

  validation {
    condition     = length(var.network.azs) >= 2 && length(var.network.public_subnet_cidrs) == length(var.network.azs) && length(var.network.private_subnet_cidrs) == length(var.network.azs)
    error_message = "network needs at least two AZs and exactly one public and one private subnet CIDR per AZ."
  }

  validation {
    condition     = alltrue([for az in var.network.azs : can(regex("^${var.aws_region}[a-z]$", az))]) && length(distinct(var.network.azs)) == length(var.network.azs)
    error_message = "network.azs must be distinct availability zones of aws_region (for example us-east-1a)."
  }

  validation {
    condition     = alltrue([for cidr in concat([var.network.cidr_block], var.network.public_subnet_cidrs, var.network.private_subnet_cidrs) : can(cidrnetmask(cidr))])
    error_message = "network CIDRs must be IPv4 CIDR blocks such as 10.10.0.0/16."
  }
}

variable "database" {
  description = "Sizing and protection of the PostgreSQL instance: class, storage (GiB), Multi-AZ, deletion protection, final snapshot, backup retention (days), RDS Proxy."
  type = object({
    instance_class          = string
    allocated_storage       = number
    max_allocated_storage   = number
    multi_az                = bool
    deletion_protection     = bool
    skip_final_snapshot     = bool
    backup_retention_period = number
    create_proxy            = bool
  })

  validation {
    condition     = var.database.backup_retention_period >= 1 && var.database.allocated_storage >= 20 && var.database.max_allocated_storage >= var.database.allocated_storage
    error_message = "database needs backups (retention >= 1 day), at least 20 GiB and max_allocated_storage >= allocated_storage."
  }
}

variable "cache" {
  description = "Redis sizing: node type and number of nodes (two or more turn on automatic failover and Multi-AZ)."
  type = object({
    node_type          = string
    num_cache_clusters = number
  })

  validation {
    condition     = var.cache.num_cache_clusters >= 1 && var.cache.num_cache_clusters <= 6
    error_message = "cache.num_cache_clusters must be between 1 and 6."
  }
}

variable "log_retention_days" {
  description = "Retention of the environment's CloudWatch log groups (flow logs, containers, WAF, cache)."
  type        = number
  nullable    = false
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "allow_destroy" {
  description = "Make everything destroyable: turns off deletion protection (database, load balancer, lock tables) and lets buckets with objects and the DNS zone with records be deleted. Throwaway runs only (the local emulator sets it with -var); never committed as true."
  type        = bool
  default     = false
}

variable "releases" {
  description = "Image of each service by digest; set by release.auto.tfvars.json, which only promotion changes (docs/architecture.md). A service without an entry, or with the all-zero placeholder digest, has no release yet: it is created scaled to zero."
  type = map(object({
    repository    = string
    digest        = string
    tag           = optional(string, "")
    source_commit = optional(string, "")
  }))
  default = {}

  validation {
    condition     = alltrue([for release in values(var.releases) : can(regex("^sha256:[0-9a-f]{64}$", release.digest))])
    error_message = "every release digest must be sha256:<64 lowercase hex>."
  }
}

variable "services" {
  description = <<-EOT
    ECS services by name, each with its task size (CPU units, memory MiB), container port, tasks at
    creation and autoscaling bounds, health check path, ECS Exec, extra plain environment variables,
    image repository (default `<project>/<name>`; the release entry's repository wins) and optional
    load-balancer routing by `host` header or `path` pattern with a listener rule `priority`. The
    `primary_service` takes the load balancer's default action and needs no routing. `efs`: a
    directory of the environment's EFS file system (encrypted, a mount target per private subnet,
    created when a service asks for one) mounted at `container_path` through the service's own
    access point (`/<service>`, owned by `uid`:`gid`), so no service sees another's files.
    Roll-out options: `deployment_alarms` (on by default for services behind the load balancer: a
    deployment during which the service's target group sees 5xx at or above `target_5xx_threshold`
    a minute, or unhealthy targets, for `evaluation_periods` minutes stops and rolls back;
    `enable = false` leaves only the circuit breaker), `capacity` (`FARGATE` default, `FARGATE_SPOT`,
    or `mixed`: one task on-demand, the rest 1:3 on spot; keep production on FARGATE) and
    `xray_daemon` (an X-Ray daemon sidecar the app reaches at AWS_XRAY_DAEMON_ADDRESS).
  EOT
  type = map(object({
    cpu                    = number
    memory                 = number
    port                   = optional(number, 8080)
    desired_count          = number
    min_capacity           = number
    max_capacity           = number
    health_check_path      = optional(string, "/health")
    enable_execute_command = optional(bool, false)
    environment            = optional(map(string), {})
    repository             = optional(string)
    routing = optional(object({
      host     = optional(string)
      path     = optional(string)
      priority = number
    }))
    efs = optional(object({
      container_path = string
      read_only      = optional(bool, false)
      uid            = optional(number, 1000)
      gid            = optional(number, 1000)
    }))
    deployment_alarms = optional(object({
      enable                    = optional(bool, true)
      rollback                  = optional(bool, true)
      target_5xx_threshold      = optional(number, 10)
      unhealthy_hosts_threshold = optional(number, 1)
      evaluation_periods        = optional(number, 3)
    }), {})
    capacity    = optional(string, "FARGATE")
    xray_daemon = optional(bool, false)
  }))

  validation {
    condition     = length(var.services) >= 1 && alltrue([for name in keys(var.services) : can(regex("^[a-z][a-z0-9-]{0,19}$", name))])
    error_message = "services needs at least one service; names are 1-20 lowercase letters, digits or hyphens, starting with a letter."
  }

  validation {
    condition = alltrue([for service in values(var.services) :
      service.min_capacity >= 1 && service.min_capacity <= service.desired_count && service.desired_count <= service.max_capacity
    ])
    error_message = "every service needs 1 <= min_capacity <= desired_count <= max_capacity."
  }

  validation {
    condition = alltrue([for service in values(var.services) :
      contains([256, 512, 1024, 2048, 4096, 8192, 16384], service.cpu) && service.memory >= 512 &&
      service.port >= 1 && service.port <= 65535 && startswith(service.health_check_path, "/")
    ])
    error_message = "every service needs a Fargate cpu (256 ... 16384), memory >= 512 MiB, a port 1-65535 and a health_check_path starting with /."
  }

  validation {
    condition = alltrue([for service in values(var.services) :
      service.routing == null ? true : (
        (try(service.routing.host, null) != null || try(service.routing.path, null) != null) &&
        try(service.routing.priority >= 1 && service.routing.priority <= 50000, false)
      )
    ])
    error_message = "a service's routing needs a host or a path (or both) and a priority between 1 and 50000."
  }

  validation {
    condition = alltrue([for service in values(var.services) :
      service.efs == null ? true : (can(regex("^/[A-Za-z0-9_./-]+$", try(service.efs.container_path, ""))) && try(service.efs.uid >= 1 && service.efs.gid >= 1, false))
    ])
    error_message = "a service's efs needs an absolute container_path other than / and a uid and gid of at least 1 (not root)."
  }

  validation {
    condition     = length(distinct([for service in values(var.services) : try(service.routing.priority, null) if service.routing != null])) == length([for service in values(var.services) : 1 if service.routing != null])
    error_message = "listener rule priorities must differ between services."
  }

  validation {
    condition = alltrue([for service in values(var.services) :
      contains(["FARGATE", "FARGATE_SPOT", "mixed"], service.capacity) &&
      service.deployment_alarms.target_5xx_threshold >= 1 && service.deployment_alarms.unhealthy_hosts_threshold >= 1 &&
      service.deployment_alarms.evaluation_periods >= 1 && service.deployment_alarms.evaluation_periods <= 60
    ])
    error_message = "a service's capacity must be FARGATE, FARGATE_SPOT or mixed; its deployment_alarms need thresholds >= 1 and evaluation_periods between 1 and 60."
  }
}

variable "endpoint_health" {
  description = "Route53 health checks on `api.<domain_name>` (path: the primary service's health_check_path) and `app.<domain_name>` (`frontend_path`), alarming after `alarm_evaluation_periods` unhealthy minutes, and expiry alarms on both certificates when fewer than `certificate_expiry_days` days are left. `enable = false` turns all of it off."
  type = object({
    enable                   = optional(bool, true)
    frontend_path            = optional(string, "/")
    alarm_evaluation_periods = optional(number, 2)
    certificate_expiry_days  = optional(number, 30)
  })
  nullable = false
  default  = {}

  validation {
    condition = (startswith(var.endpoint_health.frontend_path, "/") &&
      var.endpoint_health.alarm_evaluation_periods >= 1 && var.endpoint_health.alarm_evaluation_periods <= 60 &&
    var.endpoint_health.certificate_expiry_days >= 1 && var.endpoint_health.certificate_expiry_days <= 395)
    error_message = "endpoint_health needs a frontend_path starting with /, alarm_evaluation_periods 1-60 and certificate_expiry_days 1-395."
  }
}

variable "primary_service" {
  description = "The service behind the load balancer's default action (at `api.<domain_name>`); it also creates the ECS cluster the other services join."
  type        = string
  nullable    = false
  default     = "api"

  validation {
    condition     = contains(keys(var.services), var.primary_service)
    error_message = "primary_service must be one of the keys of services."
  }
}

variable "google_client_id" {
  description = "OAuth client id of the Google identity provider (not secret); null turns Google sign-in off. Put the client secret into the Secrets Manager secret `<project>/<environment>/google-client-secret` before setting it; needs `deployer_package_s3_key` (the Lambda that hands the secret to Cognito runs from the functions package)."
  type        = string
  default     = null

  validation {
    condition     = var.google_client_id == null || can(regex("^[0-9]+-[a-z0-9]+\\.apps\\.googleusercontent\\.com$", coalesce(var.google_client_id, "x")))
    error_message = "google_client_id must look like <number>-<id>.apps.googleusercontent.com."
  }

  validation {
    condition     = var.google_client_id == null || var.deployer_package_s3_key != null
    error_message = "google_client_id needs deployer_package_s3_key: a Lambda from the functions package puts the client secret into Cognito (Terraform never reads it)."
  }
}

variable "integrations" {
  description = "SQS queue + Lambda consumer per key: the consumer package's key in the artifacts bucket (built and uploaded by its application), its handler, runtime and batch size."
  type = map(object({
    s3_key     = string
    handler    = string
    runtime    = optional(string, "python3.12")
    batch_size = optional(number, 10)
  }))
  nullable = false
  default  = {}
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the environment's alerts topic (each confirms its subscription). Every environment routes its alarms somewhere: at least one address or `pager_https_endpoints` entry, or (where the alarm notifier runs, see `deployer_package_s3_key`) a Slack or Discord webhook."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", address))])
    error_message = "alarm_email_addresses must be e-mail addresses."
  }

  validation {
    condition = length(var.alarm_email_addresses) + length(var.pager_https_endpoints) > 0 || (
      var.deployer_package_s3_key != null && (var.slack_webhook_secret_id != null || var.discord_webhook_secret_id != null)
    )
    error_message = "alarms must reach someone: set alarm_email_addresses or pager_https_endpoints (or, where the alarm notifier runs, a Slack or Discord webhook secret)."
  }
}

variable "pager_https_endpoints" {
  description = "A pager's HTTPS SNS integration URLs (PagerDuty, Opsgenie...), subscribed to the alerts topic; the pager confirms the subscription."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for url in var.pager_https_endpoints : startswith(url, "https://")])
    error_message = "pager_https_endpoints must be https:// URLs."
  }
}

variable "account_detectors" {
  description = <<-EOT
    The account-level detectors this environment owns:
    - cloudtrail: a multi-region CloudTrail trail (one per account is enough);
    - guardduty: the account's GuardDuty detector in this region, its serious findings alerted (only one may exist);
    - config: the AWS Config recorder with AWS managed rules (the observability module's defaults), delivered to the audit bucket (one recorder per account and region).
    In a shared account exactly one environment owns them; with an account per environment, each does.
  EOT
  type = object({
    cloudtrail = optional(bool, true)
    guardduty  = optional(bool, false)
    config     = optional(bool, false)
  })
  nullable = false
  default  = {}
}

variable "budget" {
  description = "A monthly AWS Budget for this environment's resources (cost filter: the `Environment` tag every resource carries, which must be activated as a cost allocation tag in the billing console), alerting `alarm_email_addresses` at 80% and 100% of actual spend and 100% of the forecast; `anomaly_detection` adds the account's Cost Anomaly Detection monitor (one per account: the environment owning `account_detectors`). null: no budget."
  type = object({
    monthly_limit_usd = number
    anomaly_detection = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.budget == null || try(var.budget.monthly_limit_usd > 0, false)
    error_message = "budget.monthly_limit_usd must be more than 0."
  }
}

variable "deployer_package_s3_key" {
  description = "Key of the functions package (pipeline_tools' Lambda zip: the deployer, the alarm notifier, the uploads processor and the Google identity provider run from it) in bootstrap's artifacts bucket. Set it in every environment whose alarms should reach Slack / Discord, that runs the built-in uploads processor or Google sign-in; whether ECR pushes also deploy automatically is `deploy_on_image_push`. With `deployer_package_path` Terraform publishes the package there; without it, upload it first (`pipeline-tools deploy package --out deployer.zip --upload s3://<project>-artifacts-<account id>/<key>`). In an account shared by several environments give each its own key (dev `deployer/pipeline-tools-deployer.zip`, staging `deployer/staging/...`): each root's state owns its object. Null: no functions package, so none of those functions."
  type        = string
  default     = null

  validation {
    condition     = var.deployer_package_s3_key == null || can(regex("^[A-Za-z0-9!_.*'()/-]+\\.zip$", coalesce(var.deployer_package_s3_key, "x.zip")))
    error_message = "deployer_package_s3_key must be an S3 key ending in .zip."
  }
}

variable "deploy_on_image_push" {
  description = "Whether every push to ECR deploys to this environment by itself (the `deploy-trigger` module: EventBridge rule -> deployer Lambda, from the functions package). Null (the default) keeps the behaviour from before this switch existed: on wherever `deployer_package_s3_key` is set. dev sets true; staging and prod set false, they change only through promotion (docs/promotion.md). True needs `deployer_package_s3_key`."
  type        = bool
  default     = null

  validation {
    condition     = var.deploy_on_image_push != true || var.deployer_package_s3_key != null
    error_message = "deploy_on_image_push = true needs deployer_package_s3_key: the deployer Lambda runs from the functions package."
  }
}

variable "deployer_package_path" {
  description = "The functions package this root publishes: a zip built by `pipeline-tools deploy package --root <root>` in the same job before terraform runs (the pipeline's plan, apply and drift jobs do; so does `make local-apply`), relative to the root. Terraform uploads it to `deployer_package_s3_key` in bootstrap's artifacts bucket, so a new package is a planned and reviewed change and nothing is uploaded by hand. Null: the object at `deployer_package_s3_key` is uploaded outside Terraform (`pipeline-tools deploy package --out deployer.zip --upload s3://...`)."
  type        = string
  default     = null

  validation {
    condition     = var.deployer_package_path == null || endswith(coalesce(var.deployer_package_path, "x.zip"), ".zip")
    error_message = "deployer_package_path must name a .zip file."
  }
}

variable "slack_webhook_secret_id" {
  description = "Secrets Manager secret name (or `ssm:<parameter name>`) holding the Slack webhook URL that the deployer and the alarm notifier post to; null posts nothing to Slack."
  type        = string
  default     = null

  validation {
    condition     = var.slack_webhook_secret_id == null || can(regex("^(ssm:/?[A-Za-z0-9_./-]+|[A-Za-z0-9/_+=.@-]+)$", coalesce(var.slack_webhook_secret_id, "x")))
    error_message = "slack_webhook_secret_id must be a secret name or ssm:<parameter name>."
  }
}

variable "discord_webhook_secret_id" {
  description = "Secrets Manager secret name (or `ssm:<parameter name>`) holding the Discord webhook URL that the deployer and the alarm notifier post to; null posts nothing to Discord."
  type        = string
  default     = null

  validation {
    condition     = var.discord_webhook_secret_id == null || can(regex("^(ssm:/?[A-Za-z0-9_./-]+|[A-Za-z0-9/_+=.@-]+)$", coalesce(var.discord_webhook_secret_id, "x")))
    error_message = "discord_webhook_secret_id must be a secret name or ssm:<parameter name>."
  }
}

variable "add_ons" {
  description = <<-EOT
    The platform's optional parts (defaults here; an environment sets only what differs):
    - `service_discovery` (default on): a Cloud Map private DNS namespace
      `<environment>.<project>.internal` in the VPC with every service registered, so services
      reach each other as `<service>.<environment>.<project>.internal`.
    - `scheduled_tasks` (default none): ECS tasks on the services' cluster and private subnets, each
      run on an EventBridge Scheduler `schedule_expression` (`cron(...)`, `rate(...)`, `at(...)`) or
      on an EventBridge `event_pattern` (JSON), with its own task definition, roles, log group and
      dead-letter queue (the scheduled-tasks module; `image` pinned by digest).
    - `backups` (default on): an AWS Backup vault (its own KMS key) and a daily plan for the
      database (and the file system, where a service mounts one), `retention_days` (default 35);
      with `copy_region` (prod), every recovery point is also copied to the recovery vault
      bootstrap creates there (`<project>-recovery`, bootstrap's `recovery_region`) and kept
      `copy_retention_days` (default 35). `enabled = false` leaves only RDS's own snapshots.
    - `uploads` (default on wherever its processor's package exists): a private uploads bucket
      taking browser uploads from `https://app.<domain_name>` (CORS) under `incoming/`, each upload
      an S3 event on an SQS queue (with a dead-letter queue) processed by a Lambda, and a bucket
      receiving the uploads bucket's access logs. The processor is the built-in one from the
      functions package (where `deployer_package_s3_key` is set: it tags each upload
      `processed=true` or `rejected=<reason>` by `max_bytes`, default 25 MiB, and
      `allowed_content_types`), or the application's own (`processor`: `s3_key` in the artifacts
      bucket, `handler`, optional `runtime`). Without either, or with `enabled = false`, no uploads.
      With `replica_region` (prod: bootstrap's `recovery_region`), every upload and delete marker
      is replicated to bootstrap's replica bucket there, `<project>-uploads-replica-<account id>`,
      re-encrypted with its key (alias `<project>-uploads-replica`).
  EOT
  type = object({
    service_discovery = optional(bool, true)
    scheduled_tasks = optional(map(object({
      image                 = string
      cpu                   = optional(number, 256)
      memory                = optional(number, 512)
      cpu_architecture      = optional(string, "X86_64")
      command               = optional(list(string), [])
      environment           = optional(map(string), {})
      task_role_policy_json = optional(string)
      schedule_expression   = optional(string)
      schedule_timezone     = optional(string, "UTC")
      event_pattern         = optional(string)
      event_bus_name        = optional(string, "default")
      enabled               = optional(bool, true)
    })), {})
    backups = optional(object({
      enabled             = optional(bool, true)
      retention_days      = optional(number, 35)
      copy_region         = optional(string)
      copy_retention_days = optional(number, 35)
    }), {})
    uploads = optional(object({
      enabled               = optional(bool, true)
      max_bytes             = optional(number, 26214400)
      allowed_content_types = optional(list(string), ["image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"])
      processor = optional(object({
        s3_key          = string
        handler         = string
        runtime         = optional(string, "python3.12")
        timeout_seconds = optional(number, 60)
      }))
      replica_region = optional(string)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.add_ons.uploads.max_bytes >= 1 && length(var.add_ons.uploads.allowed_content_types) > 0 && alltrue([for type in var.add_ons.uploads.allowed_content_types : can(regex("^[a-z0-9.+-]+/[a-z0-9.+-]+$", type))])
    error_message = "add_ons.uploads: max_bytes must be at least 1 and allowed_content_types media types such as image/png (lower case)."
  }

  validation {
    condition     = var.add_ons.uploads.replica_region == null || (can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", coalesce(var.add_ons.uploads.replica_region, "x"))) && var.add_ons.uploads.replica_region != var.aws_region)
    error_message = "add_ons.uploads.replica_region must be an AWS region name such as us-west-2 other than aws_region (bootstrap's recovery_region, where its uploads replica bucket is)."
  }

  validation {
    condition     = var.add_ons.backups.retention_days >= 1 && var.add_ons.backups.copy_retention_days >= 1
    error_message = "add_ons.backups: retention_days and copy_retention_days must be at least 1."
  }

  validation {
    condition     = var.add_ons.backups.copy_region == null || can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", coalesce(var.add_ons.backups.copy_region, "x")))
    error_message = "add_ons.backups.copy_region must be an AWS region name such as us-west-2 (bootstrap's recovery_region)."
  }

  validation {
    condition     = alltrue([for task in values(var.add_ons.scheduled_tasks) : can(regex("@sha256:[0-9a-f]{64}$", task.image))])
    error_message = "add_ons.scheduled_tasks: every image must be pinned by digest (<repository>@sha256:<64 hex>), as the services' are."
  }
}
