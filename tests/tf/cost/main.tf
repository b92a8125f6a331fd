# A small root built from the platform modules, for the cost tests (tests/integration/test_plan_cost.py):
# the foundation resources an environment pays for every hour, with the quantities the tests change
# (database class, service task count, NAT gateways) as variables. Planned and applied against the
# local AWS emulator; module sources are rewritten to absolute paths when the tests copy it.

locals {
  name = "pt-cost"
}

module "network" {
  source = "../../../terraform/modules/network"

  name                 = local.name
  cidr_block           = "10.42.0.0/16"
  azs                  = ["us-east-1a", "us-east-1b"]
  public_subnet_cidrs  = ["10.42.0.0/24", "10.42.1.0/24"]
  private_subnet_cidrs = ["10.42.10.0/24", "10.42.11.0/24"]
  single_nat_gateway   = var.single_nat_gateway
}

resource "aws_security_group" "internal" {
  name        = "${local.name}-internal"
  description = "Traffic inside the cost test VPC."
  vpc_id      = module.network.vpc_id
}

module "endpoints" {
  source = "../../../terraform/modules/endpoints"

  name               = local.name
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [aws_security_group.internal.id]
  route_table_ids    = module.network.private_route_table_ids
  interface_services = ["ecr.api", "logs"]
}

module "database" {
  source = "../../../terraform/modules/database"

  identifier             = local.name
  subnet_ids             = module.network.private_subnet_ids
  vpc_security_group_ids = [aws_security_group.internal.id]
  instance_class         = var.db_instance_class
  allocated_storage      = 20
  multi_az               = false
  deletion_protection    = false
  skip_final_snapshot    = true
}

# A secret priced like the ones every environment keeps (the cache itself authenticates with IAM
# since issue 17, so nothing reads this one).
resource "aws_secretsmanager_secret" "redis_auth_token" {
  name                    = "${local.name}/redis-auth-token"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "redis_auth_token" {
  secret_id     = aws_secretsmanager_secret.redis_auth_token.id
  secret_string = "cost-test-token-0123456789abcdef"
}

module "cache" {
  source = "../../../terraform/modules/cache"

  name               = local.name
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [aws_security_group.internal.id]
  node_type          = "cache.t3.micro"
  num_cache_clusters = 1
}

module "ecs" {
  source = "../../../terraform/modules/ecs"

  cluster_name       = local.name
  service_name       = "api"
  image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api@sha256:${"0123456789abcdef"}${"0123456789abcdef"}${"0123456789abcdef"}${"0123456789abcdef"}"
  cpu                = 256
  memory             = 512
  desired_count      = var.min_tasks
  enable_autoscaling = true
  min_capacity       = var.min_tasks
  max_capacity       = 4
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [aws_security_group.internal.id]
}

# A type plan cost has no price for: it must be reported as "not priced", never as zero.
resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 8
  encrypted         = true
}
