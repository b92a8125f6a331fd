variable "aws_region" {
  description = "Region of the environment."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as us-east-1."
  }
}

variable "project" {
  description = "Project prefix of every name (cluster `<project>-<environment>`, buckets `<project>-...-<account id>`)."
  type        = string
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
  description = "DNS zone of the environment (created here): the API is served at `api.<domain_name>`, the frontend at `app.<domain_name>`."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
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
}

variable "service" {
  description = "Sizing of the `api` ECS service: task CPU units and memory (MiB), tasks at creation, autoscaling bounds, and whether ECS Exec is allowed."
  type = object({
    cpu                    = number
    memory                 = number
    desired_count          = number
    min_capacity           = number
    max_capacity           = number
    enable_execute_command = optional(bool, false)
  })

  validation {
    condition     = var.service.min_capacity >= 1 && var.service.min_capacity <= var.service.desired_count && var.service.desired_count <= var.service.max_capacity
    error_message = "service needs 1 <= min_capacity <= desired_count <= max_capacity."
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
  description = "Image of each service by digest; set by release.auto.tfvars.json, which only promotion changes (docs/architecture.md)."
  type = map(object({
    repository    = string
    digest        = string
    tag           = optional(string, "")
    source_commit = optional(string, "")
  }))

  validation {
    condition     = contains(keys(var.releases), "api") && alltrue([for release in values(var.releases) : can(regex("^sha256:[0-9a-f]{64}$", release.digest))])
    error_message = "releases must contain the api service and every digest must be sha256:<64 lowercase hex>."
  }
}

variable "google_client_id" {
  description = "OAuth client id of the Google identity provider (not secret); null turns Google sign-in off. Put the client secret into the Secrets Manager secret `<project>/<environment>/google-client-secret` before setting it."
  type        = string
  default     = null

  validation {
    condition     = var.google_client_id == null || can(regex("^[0-9]+-[a-z0-9]+\\.apps\\.googleusercontent\\.com$", coalesce(var.google_client_id, "x")))
    error_message = "google_client_id must look like <number>-<id>.apps.googleusercontent.com."
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
  default = {}
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the environment's alerts topic (each confirms its subscription)."
  type        = list(string)
  default     = []
}

variable "enable_cloudtrail" {
  description = "Create a multi-region CloudTrail trail in this environment (one per account is enough)."
  type        = bool
  default     = true
}

variable "enable_guardduty" {
  description = "Create this account's GuardDuty detector here (only one may exist per account and region: in a shared account, exactly one environment enables it)."
  type        = bool
  default     = false
}

variable "deployer_package_s3_key" {
  description = "Key of the deployer Lambda package in bootstrap's artifacts bucket (`pipeline-tools deploy package --out deployer.zip --upload s3://<project>-artifacts-<account id>/<key>`)."
  type        = string
  default     = "deployer/pipeline-tools-deployer.zip"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()/-]+\\.zip$", var.deployer_package_s3_key))
    error_message = "deployer_package_s3_key must be an S3 key ending in .zip."
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

variable "pager_https_endpoints" {
  description = "A pager's HTTPS SNS integration URLs, subscribed to the alarm topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for url in var.pager_https_endpoints : startswith(url, "https://")])
    error_message = "pager_https_endpoints must be https:// URLs."
  }
}
