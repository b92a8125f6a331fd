# The push role of an application repository with two images. Applied, re-planned and destroyed
# against the local AWS emulator by tests/integration/test_seed_modules.py.

module "ecr_push_role" {
  source = "../.."

  name              = "example-app-ecr-push"
  oidc_provider_arn = var.oidc_provider_arn
  github_owner      = "example-org"
  github_repository = "example-app"
  git_refs          = ["refs/heads/main"]
  repository_names  = ["example-app/api", "example-app/worker"]
}
