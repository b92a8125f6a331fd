variable "cluster_name" {
  description = "Name of the ECS cluster (for example `platform-dev`); also the prefix of the IAM roles and log groups."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,39}$", var.cluster_name))
    error_message = "cluster_name must be 1-40 letters, digits, '-' or '_' (it prefixes IAM role names)."
  }
}

variable "create_cluster" {
  description = "Create the cluster `cluster_name` (with its capacity providers and ECS Exec log group). False joins a cluster of that name created elsewhere, typically by another instance of this module; pass its `log_kms_key_arn` too."
  type        = bool
  default     = true
}

variable "service_name" {
  description = "Name of the ECS service and task definition family suffix (for example `api`)."
  type        = string
  default     = "api"

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$", var.service_name))
    error_message = "service_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "container_name" {
  description = "Name of the application container in the task definition; the deployer swaps the image of this container. Defaults to service_name."
  type        = string
  default     = null

  validation {
    condition     = var.container_name == null || can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$", var.container_name))
    error_message = "container_name must be 1-255 letters, digits, '-' or '_'."
  }
}

variable "image" {
  description = "Container image pinned by digest: `<repository_url>@sha256:<64 hex>` (built by the root from the release file). Tags are refused so the task runs exactly the verified artifact."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest: <repository_url>@sha256:<64 lowercase hex characters>."
  }
}

variable "container_port" {
  description = "Port the container listens on (mapped for awsvpc networking and registered with the target group)."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an integer between 1 and 65535."
  }
}

variable "cpu" {
  description = "Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384)."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be one of the Fargate sizes 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

variable "memory" {
  description = "Task memory in MiB; must be a combination Fargate accepts for the chosen cpu (for example 512-2048 for 256 CPU units)."
  type        = number
  default     = 512

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880 && floor(var.memory) == var.memory
    error_message = "memory must be an integer number of MiB between 512 and 122880."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the task: X86_64 or ARM64 (must match the image)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "environment" {
  description = "Plain environment variables of the container (never secrets: use `secrets`)."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables filled from Secrets Manager or SSM Parameter Store at task start: name => secret ARN (optionally with `:json-key::` suffix) or SSM parameter ARN. The execution role may read exactly these."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for arn in values(var.secrets) : can(regex("^arn:aws[a-z-]*:(secretsmanager|ssm):", arn))])
    error_message = "Every value of secrets must be a Secrets Manager secret ARN or an SSM parameter ARN."
  }
}

variable "secrets_kms_key_arns" {
  description = "ARNs of customer-managed KMS keys encrypting the secrets/parameters in `secrets`; the execution role may decrypt with them."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.secrets_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:", arn))])
    error_message = "Every entry of secrets_kms_key_arns must be a KMS key ARN."
  }
}

variable "readonly_root_filesystem" {
  description = "Mount the container's root filesystem read-only (recommended; the module mounts a writable /tmp volume)."
  type        = bool
  default     = true
}

variable "container_health_check" {
  description = "Container health check run by the ECS agent. `command` uses the Docker form, for example [\"CMD-SHELL\", \"curl -fsS http://localhost:8080/health || exit 1\"]. Null disables it (the ALB target group health check still applies)."
  type = object({
    command      = list(string)
    interval     = optional(number, 30)
    timeout      = optional(number, 5)
    retries      = optional(number, 3)
    start_period = optional(number, 30)
  })
  default = null

  validation {
    condition = var.container_health_check == null || try(
      contains(["CMD", "CMD-SHELL"], var.container_health_check.command[0]) &&
      var.container_health_check.interval >= 5 && var.container_health_check.interval <= 300 &&
      var.container_health_check.timeout >= 2 && var.container_health_check.timeout <= 60 &&
      var.container_health_check.retries >= 1 && var.container_health_check.retries <= 10 &&
      var.container_health_check.start_period >= 0 && var.container_health_check.start_period <= 300,
      false
    )
    error_message = "container_health_check.command must start with CMD or CMD-SHELL; interval 5-300 s, timeout 2-60 s, retries 1-10, start_period 0-300 s."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs the tasks run in (at least two, in different AZs)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least one subnet ID (subnet-...)."
  }
}

variable "security_group_ids" {
  description = "Security group IDs of the tasks (the security-groups module's tasks group)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "security_group_ids must list at least one security group ID (sg-...)."
  }
}

variable "target_group_arn" {
  description = "ARN of the ALB target group the service registers its tasks with. Null runs the service without a load balancer."
  type        = string
  default     = null

  validation {
    condition     = var.target_group_arn == null || can(regex("^arn:aws[a-z-]*:elasticloadbalancing:", var.target_group_arn))
    error_message = "target_group_arn must be an Elastic Load Balancing target group ARN or null."
  }
}

variable "service_registry_arn" {
  description = "ARN of a Cloud Map service registry (the service-discovery module's `service_registry_arns`) ECS registers every task's IP address in, so other services reach it by name. Null: not registered."
  type        = string
  default     = null

  validation {
    condition     = var.service_registry_arn == null || can(regex("^arn:aws[a-z-]*:servicediscovery:", var.service_registry_arn))
    error_message = "service_registry_arn must be a Cloud Map service ARN (arn:aws:servicediscovery:...) or null."
  }
}

variable "efs_volume" {
  description = "An EFS file system mounted into the container at `container_path` through `access_point_id` (the efs module's), with transit encryption and IAM authorization: the task role needs the mount permission (task_role_policy_json). Null: none."
  type = object({
    file_system_id  = string
    access_point_id = string
    container_path  = string
    read_only       = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.efs_volume == null || can(regex("^/[A-Za-z0-9_./-]+$", try(var.efs_volume.container_path, "")))
    error_message = "efs_volume.container_path must be an absolute path other than /."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds after a task starts during which failing load balancer health checks are ignored (only used with a target group)."
  type        = number
  default     = 60

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be between 0 and 2147483647."
  }
}

variable "desired_count" {
  description = "Number of tasks when the service is created. Afterwards autoscaling (when enabled) owns the count; Terraform ignores drift in it."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 0 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a non-negative integer."
  }
}

variable "deployment_minimum_healthy_percent" {
  description = "Lower bound, in percent of desired_count, of running healthy tasks during a deployment."
  type        = number
  default     = 100

  validation {
    condition     = var.deployment_minimum_healthy_percent >= 0 && var.deployment_minimum_healthy_percent <= 100
    error_message = "deployment_minimum_healthy_percent must be between 0 and 100."
  }
}

variable "deployment_maximum_percent" {
  description = "Upper bound, in percent of desired_count, of running tasks during a deployment."
  type        = number
  default     = 200

  validation {
    condition     = var.deployment_maximum_percent >= 100 && var.deployment_maximum_percent <= 400
    error_message = "deployment_maximum_percent must be between 100 and 400."
  }
}

variable "platform_version" {
  description = "Fargate platform version."
  type        = string
  default     = "LATEST"

  validation {
    condition     = can(regex("^(LATEST|[0-9]+\\.[0-9]+\\.[0-9]+)$", var.platform_version))
    error_message = "platform_version must be LATEST or a version such as 1.4.0."
  }
}

variable "container_insights" {
  description = "CloudWatch Container Insights level of the cluster: enabled or enhanced."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced"], var.container_insights)
    error_message = "container_insights must be enabled or enhanced."
  }
}

variable "enable_execute_command" {
  description = "Allow `aws ecs execute-command` into running tasks (session logs go to the exec log group, KMS-encrypted). Keep false in production unless needed."
  type        = bool
  default     = false
}

variable "task_role_policy_json" {
  description = "IAM policy document (JSON) granting the application what it needs at run time, attached inline to the task role. Null gives the task role no AWS permissions."
  type        = string
  default     = null

  validation {
    condition     = var.task_role_policy_json == null || can(jsondecode(var.task_role_policy_json))
    error_message = "task_role_policy_json must be a JSON policy document or null."
  }
}

variable "log_retention_days" {
  description = "How many days the container and exec log groups keep events."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of an existing KMS key for the log groups and exec sessions. When null the module creates one (with rotation) if it creates the cluster; a service joining a cluster passes that cluster's key."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "enable_autoscaling" {
  description = "Scale the service with Application Auto Scaling (CPU and memory target tracking plus scheduled actions). Turn off to keep desired_count fixed."
  type        = bool
  default     = true
}

variable "min_capacity" {
  description = "Lowest number of tasks autoscaling may scale in to."
  type        = number
  default     = 2

  validation {
    condition     = var.min_capacity >= 0 && floor(var.min_capacity) == var.min_capacity
    error_message = "min_capacity must be a non-negative integer."
  }
}

variable "max_capacity" {
  description = "Highest number of tasks autoscaling may scale out to."
  type        = number
  default     = 6

  validation {
    condition     = var.max_capacity >= 1 && floor(var.max_capacity) == var.max_capacity
    error_message = "max_capacity must be a positive integer."
  }
}

variable "cpu_target_percent" {
  description = "Average service CPU utilisation (percent) target tracking keeps the service at."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent > 0 && var.cpu_target_percent <= 100
    error_message = "cpu_target_percent must be in (0, 100]."
  }
}

variable "memory_target_percent" {
  description = "Average service memory utilisation (percent) target tracking keeps the service at."
  type        = number
  default     = 70

  validation {
    condition     = var.memory_target_percent > 0 && var.memory_target_percent <= 100
    error_message = "memory_target_percent must be in (0, 100]."
  }
}

variable "scale_in_cooldown_seconds" {
  description = "Seconds after a scale-in before another scale-in may start."
  type        = number
  default     = 300

  validation {
    condition     = var.scale_in_cooldown_seconds >= 0
    error_message = "scale_in_cooldown_seconds must not be negative."
  }
}

variable "scale_out_cooldown_seconds" {
  description = "Seconds after a scale-out before another scale-out may start."
  type        = number
  default     = 60

  validation {
    condition     = var.scale_out_cooldown_seconds >= 0
    error_message = "scale_out_cooldown_seconds must not be negative."
  }
}

variable "scheduled_actions" {
  description = "Scheduled capacity changes by name, for example scaling down at night: schedule is `cron(...)`, `rate(...)` or `at(...)`; timezone an IANA name."
  type = map(object({
    schedule     = string
    min_capacity = number
    max_capacity = number
    timezone     = optional(string, "UTC")
  }))
  default = {}

  validation {
    condition = alltrue([for action in values(var.scheduled_actions) :
      can(regex("^(cron|rate|at)\\(.+\\)$", action.schedule)) && action.min_capacity >= 0 && action.max_capacity >= action.min_capacity
    ])
    error_message = "Each scheduled action needs a cron(...), rate(...) or at(...) schedule and 0 <= min_capacity <= max_capacity."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of every IAM role this module creates (the github-oidc module's boundary for the environment, which the apply role requires); null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be a customer-managed IAM policy ARN."
  }
}

# --- safer roll-outs ---------------------------------------------------------------------------

variable "deployment_alarms" {
  description = <<-EOT
    CloudWatch alarms that stop a deployment (and, with `rollback`, roll it back) while it runs,
    in addition to the circuit breaker (which only sees tasks that never start or never pass health
    checks). With `target_group_alarms` (needs target_group_arn and load_balancer_arn_suffix), the
    module creates two alarms on the service's target group: target 5xx responses per minute at or
    above `target_5xx_threshold` and unhealthy targets at or above `unhealthy_hosts_threshold`, each
    for `evaluation_periods` one-minute periods. `alarm_names` adds alarms created elsewhere. Null:
    no deployment alarms.
  EOT
  type = object({
    rollback                  = optional(bool, true)
    target_group_alarms       = optional(bool, true)
    target_5xx_threshold      = optional(number, 10)
    unhealthy_hosts_threshold = optional(number, 1)
    evaluation_periods        = optional(number, 3)
    alarm_names               = optional(list(string), [])
  })
  default = null

  validation {
    condition = var.deployment_alarms == null ? true : (
      var.deployment_alarms.target_5xx_threshold >= 1 && var.deployment_alarms.unhealthy_hosts_threshold >= 1 &&
      var.deployment_alarms.evaluation_periods >= 1 && var.deployment_alarms.evaluation_periods <= 60 &&
      alltrue([for name in var.deployment_alarms.alarm_names : length(name) >= 1 && length(name) <= 255])
    )
    error_message = "deployment_alarms needs thresholds >= 1, evaluation_periods between 1 and 60 and alarm names of 1-255 characters."
  }
}

variable "load_balancer_arn_suffix" {
  description = "ARN suffix (`app/<name>/<id>`) of the load balancer in front of target_group_arn: the LoadBalancer dimension of the target group's deployment alarms (needed with deployment_alarms.target_group_alarms)."
  type        = string
  default     = null

  validation {
    condition     = var.load_balancer_arn_suffix == null || can(regex("^app/[A-Za-z0-9-]+/[0-9a-f]+$", coalesce(var.load_balancer_arn_suffix, "x")))
    error_message = "load_balancer_arn_suffix must look like app/<name>/<id> or be null."
  }
}

variable "alarm_topic_arns" {
  description = "SNS topics the deployment alarms notify as they go into and out of ALARM (people learn of a roll-back too)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_topic_arns : can(regex("^arn:aws[a-z-]*:sns:", arn))])
    error_message = "alarm_topic_arns must be SNS topic ARNs."
  }
}

variable "capacity" {
  description = <<-EOT
    Where the service's tasks run: `FARGATE` (on-demand, default), `FARGATE_SPOT` (up to 70% cheaper,
    but AWS may stop a task with two minutes' notice) or `mixed` (the first `mixed_on_demand_base`
    tasks on-demand, the rest split on-demand:spot by `mixed_weights`). Keep production on FARGATE.
    Changing from FARGATE to a spot option (or back) replaces the service: its launch type changes.
  EOT
  type        = string
  default     = "FARGATE"
  nullable    = false

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT", "mixed"], var.capacity)
    error_message = "capacity must be FARGATE, FARGATE_SPOT or mixed."
  }
}

variable "mixed_on_demand_base" {
  description = "With capacity = mixed: tasks that always run on on-demand FARGATE before the weights apply."
  type        = number
  default     = 1

  validation {
    condition     = var.mixed_on_demand_base >= 0 && var.mixed_on_demand_base <= 100000 && floor(var.mixed_on_demand_base) == var.mixed_on_demand_base
    error_message = "mixed_on_demand_base must be an integer between 0 and 100000."
  }
}

variable "mixed_weights" {
  description = "With capacity = mixed: relative weights of on-demand FARGATE and FARGATE_SPOT for the tasks above the base (e.g. 1:3 puts three of every four on spot)."
  type = object({
    on_demand = number
    spot      = number
  })
  default = { on_demand = 1, spot = 3 }

  validation {
    condition     = var.mixed_weights.on_demand >= 0 && var.mixed_weights.spot >= 0 && var.mixed_weights.on_demand + var.mixed_weights.spot >= 1 && var.mixed_weights.on_demand <= 1000 && var.mixed_weights.spot <= 1000
    error_message = "mixed_weights must be between 0 and 1000 each, not both 0."
  }
}

variable "xray_daemon" {
  description = "Run the AWS X-Ray daemon as a sidecar: the app sends traces to it at AWS_XRAY_DAEMON_ADDRESS (127.0.0.1:2000, UDP), it forwards them to X-Ray with the task role, which may then put trace segments and telemetry and read sampling rules. Its logs go to the service's log group (stream prefix `xray`)."
  type        = bool
  default     = false
  nullable    = false
}

variable "xray_daemon_image" {
  description = "Image of the X-Ray daemon sidecar (AWS's public image; pin a digest for reproducible task definitions)."
  type        = string
  default     = "public.ecr.aws/xray/aws-xray-daemon:3.x"

  validation {
    condition     = can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$", var.xray_daemon_image))
    error_message = "xray_daemon_image must be an image reference with a tag or a sha256 digest."
  }
}
