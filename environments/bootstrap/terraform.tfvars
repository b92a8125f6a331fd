# The GitHub repository whose workflows may assume the plan and apply roles: set these to yours.
github_owner      = "example-org"
github_repository = "platform-infra"

environments     = ["dev", "staging", "prod"]
ecr_repositories = ["platform/api", "platform/admin"]
