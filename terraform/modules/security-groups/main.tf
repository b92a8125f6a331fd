# Least privilege, expressed as security-group-to-security-group references:
#   internet -> ALB (80 redirect, 443) -> tasks (container port) -> RDS (5432) / Redis (6379)
# Each rule is its own resource (aws_vpc_security_group_*_rule) so rules can be added or removed
# without replacing a group, and every rule carries a description.

locals {
  create_endpoints_sg = var.vpc_cidr_block != null
}

# ---------------------------------------------------------------------------------------------
# ALB
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  #checkov:skip=CKV2_AWS_5:Attached by the alb module (aws_lb.security_groups) in the calling root; this module only defines the groups. exp:2027-02-19
  name        = "${var.name}-alb"
  description = "Public load balancer of ${var.name}: HTTP/HTTPS in, container port out to the ECS tasks only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(var.alb_ingress_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  for_each = toset(var.alb_ingress_cidrs)

  #checkov:skip=CKV_AWS_260:Port 80 only serves the listener that redirects to HTTPS; no content is served over HTTP. exp:2027-02-19
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from ${each.value}, redirected to HTTPS by the listener"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.value

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the ECS tasks on the container port (forwarding and health checks)"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.tasks.id

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# ECS tasks
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "tasks" {
  #checkov:skip=CKV2_AWS_5:Attached by the ecs module (service network_configuration) in the calling root; this module only defines the groups. exp:2027-02-19
  name        = "${var.name}-tasks"
  description = "ECS tasks of ${var.name}: container port from the ALB only; out to RDS, Redis and HTTPS"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "Container port from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.alb.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_rds" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "PostgreSQL to the database security group"
  ip_protocol                  = "tcp"
  from_port                    = var.postgres_port
  to_port                      = var.postgres_port
  referenced_security_group_id = aws_security_group.rds.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_redis" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "Redis to the cache security group"
  ip_protocol                  = "tcp"
  from_port                    = var.redis_port
  to_port                      = var.redis_port
  referenced_security_group_id = aws_security_group.redis.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  for_each = toset(var.tasks_https_egress_cidrs)

  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to ${each.value} (AWS APIs, ECR image pulls, Secrets Manager, external APIs)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# RDS (PostgreSQL, RDS Proxy)
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "rds" {
  #checkov:skip=CKV2_AWS_5:Attached by the database module (DB instance and RDS Proxy) in the calling root; this module only defines the groups. exp:2027-02-19
  name        = "${var.name}-rds"
  description = "PostgreSQL of ${var.name}: reachable from the ECS tasks only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-rds" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "rds_from_tasks" {
  security_group_id            = aws_security_group.rds.id
  description                  = "PostgreSQL from the ECS tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.postgres_port
  to_port                      = var.postgres_port
  referenced_security_group_id = aws_security_group.tasks.id

  tags = var.tags
}

# RDS Proxy sits in this same group and connects to the database instance in it.
resource "aws_vpc_security_group_ingress_rule" "rds_from_self" {
  security_group_id            = aws_security_group.rds.id
  description                  = "PostgreSQL from members of this group (RDS Proxy to the instance)"
  ip_protocol                  = "tcp"
  from_port                    = var.postgres_port
  to_port                      = var.postgres_port
  referenced_security_group_id = aws_security_group.rds.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "rds_to_self" {
  security_group_id            = aws_security_group.rds.id
  description                  = "PostgreSQL to members of this group (RDS Proxy to the instance)"
  ip_protocol                  = "tcp"
  from_port                    = var.postgres_port
  to_port                      = var.postgres_port
  referenced_security_group_id = aws_security_group.rds.id

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Redis (ElastiCache)
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "redis" {
  #checkov:skip=CKV2_AWS_5:Attached by the cache module (replication group) in the calling root; this module only defines the groups. exp:2027-02-19
  name        = "${var.name}-redis"
  description = "Redis of ${var.name}: reachable from the ECS tasks only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-redis" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_tasks" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from the ECS tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.redis_port
  to_port                      = var.redis_port
  referenced_security_group_id = aws_security_group.tasks.id

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Interface VPC endpoints (optional)
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "endpoints" {
  count = local.create_endpoints_sg ? 1 : 0
  #checkov:skip=CKV2_AWS_5:Attached by the endpoints module (interface endpoints) in the calling root; this module only defines the groups. exp:2027-02-19

  name        = "${var.name}-endpoints"
  description = "Interface VPC endpoints of ${var.name}: HTTPS from inside the VPC only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  count = local.create_endpoints_sg ? 1 : 0

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from inside the VPC to the interface endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block

  tags = var.tags
}
