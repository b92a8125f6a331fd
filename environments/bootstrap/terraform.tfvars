# The GitHub repository whose workflows may assume the plan and apply roles: set these to yours.
github_owner      = "example-org"
github_repository = "platform-infra"

environments     = ["dev", "staging", "prod"]
ecr_repositories = ["platform/api", "platform/admin"]
# The application repository (same owner) whose CI pushes the images: the ECR push role trusts its
# main branch, push-only to the repositories above. Unset: github_repository itself.
# application_repository = "platform-app"
# The recovery region: AWS Backup copies prod's recovery points to a vault there
# (prod's add_ons.backups.copy_region names the same region).
recovery_region = "us-west-2"
