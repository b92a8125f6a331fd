# The safer roll-out options of the module on one service behind a load balancer: deployment
# alarms on its target group (5xx, unhealthy hosts) that stop and roll back a deployment, a mixed
# FARGATE / FARGATE_SPOT capacity strategy and the X-Ray daemon sidecar. Applied, re-planned and
# destroyed against the local AWS emulator by tests/integration/test_rollout_health_modules.py.

resource "aws_lb" "example" {
  #checkov:skip=CKV_AWS_91:Example load balancer, destroyed after the test; the platform's alb module logs its access. exp:2027-03-01
  #checkov:skip=CKV_AWS_150:Example load balancer, destroyed after the test: deletion protection would stop that. exp:2027-03-01
  #checkov:skip=CKV2_AWS_28:Example load balancer without listeners' traffic; the platform puts WAF in front of its ALB (waf module). exp:2027-03-01
  #checkov:skip=CKV2_AWS_20:Example load balancer with no listener at all (nothing to redirect to HTTPS). exp:2027-03-01
  name                       = "example-rollout"
  internal                   = true
  load_balancer_type         = "application"
  subnets                    = var.subnet_ids
  security_groups            = var.security_group_ids
  drop_invalid_header_fields = true
}

resource "aws_lb_target_group" "example" {
  #checkov:skip=CKV_AWS_378:Example target group; the platform terminates TLS at its ALB and forwards HTTP inside the VPC by design. exp:2027-03-01
  name        = "example-rollout"
  vpc_id      = var.vpc_id
  target_type = "ip"
  protocol    = "HTTP"
  port        = 8080

  health_check {
    path    = "/health"
    matcher = "200-399"
  }
}

resource "aws_sns_topic" "alerts" {
  name              = "example-rollout-alerts"
  kms_master_key_id = "alias/aws/sns"
}

module "ecs" {
  source = "../.."

  cluster_name       = "example-rollout"
  service_name       = "api"
  image              = "public.ecr.aws/docker/library/busybox@sha256:37f7b378a29ceb4c551b1b5582e27747b855bbfaa73fa11914fe0df028dc581f"
  container_port     = 8080
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids
  target_group_arn   = aws_lb_target_group.example.arn
  desired_count      = 0

  deployment_alarms        = { target_5xx_threshold = 5, alarm_names = [] }
  load_balancer_arn_suffix = aws_lb.example.arn_suffix
  alarm_topic_arns         = [aws_sns_topic.alerts.arn]

  capacity      = var.capacity
  mixed_weights = { on_demand = 1, spot = 2 }
  xray_daemon   = true
}
