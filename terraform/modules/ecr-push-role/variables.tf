variable "name" {
  description = "Name of the role, e.g. `platform-api-ecr-push`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be a valid IAM role name (1 to 64 characters)."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the account's GitHub Actions OIDC provider (token.actions.githubusercontent.com; bootstrap's github-oidc module creates it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider."
  }
}

variable "github_owner" {
  description = "GitHub organization or user owning the application repository."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$", var.github_owner))
    error_message = "github_owner must be a GitHub user or organization name (no wildcards)."
  }
}

variable "github_repository" {
  description = "The application repository whose CI pushes images (name only, without the owner)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be a repository name (no owner, no wildcards)."
  }
}

variable "git_refs" {
  description = "Git refs whose workflow runs may push (the token's `sub` is matched exactly: `repo:<owner>/<repo>:ref:<ref>`). Pull requests never qualify."
  type        = list(string)
  default     = ["refs/heads/main"]

  validation {
    condition     = alltrue([for ref in var.git_refs : can(regex("^refs/(heads|tags)/[A-Za-z0-9._/-]+$", ref))])
    error_message = "git_refs must be full branch or tag refs (refs/heads/..., refs/tags/...) without wildcards."
  }
}

variable "github_environments" {
  description = "GitHub deployment environments whose jobs may push (`repo:<owner>/<repo>:environment:<name>`), for workflows that push from an environment-protected job."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.github_environments : can(regex("^[A-Za-z0-9._ -]{1,255}$", name))])
    error_message = "github_environments must be environment names without wildcards."
  }
}

variable "repository_names" {
  description = "The application's own ECR repositories: the only ones the role may push to."
  type        = list(string)

  validation {
    condition     = length(var.repository_names) > 0 && alltrue([for name in var.repository_names : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", name))])
    error_message = "repository_names must hold at least one ECR repository name (no wildcards)."
  }
}

variable "max_session_duration" {
  description = "Longest session, in seconds, a CI job may hold the role (a build and push rarely needs more than an hour)."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 900 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 900 and 43200 seconds."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the role, or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
