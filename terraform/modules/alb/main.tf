resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:The WAF web ACL is associated from the waf module (association_resource_arns), which callers wire to this ALB's arn output. exp:2027-02-19
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = var.internal
  subnets                    = var.subnet_ids
  security_groups            = var.security_group_ids
  idle_timeout               = var.idle_timeout_seconds
  enable_deletion_protection = var.deletion_protection
  # Reject requests with header names that are not valid HTTP (request smuggling defence).
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "defensive"
  enable_http2               = true

  access_logs {
    enabled = var.access_logs_bucket != null
    bucket  = var.access_logs_bucket == null ? "" : var.access_logs_bucket
    prefix  = var.access_logs_prefix
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:TLS terminates at the load balancer; targets are Fargate tasks in private subnets reachable only from the ALB security group, so the hop inside the VPC is plain HTTP by design. exp:2027-02-19
  name                 = "${var.name}-tg"
  vpc_id               = var.vpc_id
  target_type          = "ip" # Fargate tasks (awsvpc) register by IP
  protocol             = "HTTP"
  port                 = var.target_port
  deregistration_delay = var.deregistration_delay_seconds

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = var.health_check.path
    matcher             = var.health_check.matcher
    interval            = var.health_check.interval
    timeout             = var.health_check.timeout
    healthy_threshold   = var.health_check.healthy_threshold
    unhealthy_threshold = var.health_check.unhealthy_threshold
  }

  tags = merge(var.tags, { Name = "${var.name}-tg" })

  lifecycle {
    create_before_destroy = true
  }
}

# Port 80 only redirects to HTTPS; nothing is served in clear text.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}

resource "aws_lb_listener_certificate" "additional" {
  for_each = toset(var.additional_certificate_arns)

  listener_arn    = aws_lb_listener.https.arn
  certificate_arn = each.value
}
