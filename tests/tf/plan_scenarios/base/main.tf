# Base state of the plan scenarios: applied once, then the `changed` root is planned against it.

resource "aws_s3_bucket" "data" {
  bucket = "${var.prefix}-data"
  tags = {
    team = "platform"
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "${var.prefix}-logs-v1"
}

resource "aws_sqs_queue" "dlq" {
  name = "${var.prefix}-dlq"
}

resource "aws_sqs_queue" "jobs" {
  name = "${var.prefix}-jobs"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_sqs_queue" "blue_green" {
  name = "${var.prefix}-bg-v1"
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sqs_queue" "old_name" {
  name = "${var.prefix}-moved"
}

resource "aws_iam_role" "app" {
  name = "${var.prefix}-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "app"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadJobs"
      Effect   = "Allow"
      Action   = ["sqs:ReceiveMessage"]
      Resource = [aws_sqs_queue.jobs.arn]
    }]
  })
}

resource "aws_security_group" "web" {
  name        = "${var.prefix}-web"
  description = "web"
  ingress {
    description = "https from the office"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_ssm_parameter" "items" {
  for_each = toset(["alpha", "beta"])
  name     = "/${var.prefix}/items/${each.key}"
  type     = "String"
  value    = each.key
}

resource "aws_ssm_parameter" "secret" {
  name  = "/${var.prefix}/db-password"
  type  = "SecureString"
  value = var.db_password
}

resource "aws_ssm_parameter" "forgotten" {
  name  = "/${var.prefix}/forgotten"
  type  = "String"
  value = "kept outside terraform"
}

resource "aws_ssm_parameter" "rotated" {
  name  = "/${var.prefix}/rotated"
  type  = "String"
  value = "replaced on request"
}

resource "aws_dynamodb_table" "sessions" {
  name         = "${var.prefix}-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_ecs_task_definition" "api" {
  family = "${var.prefix}-api"
  container_definitions = jsonencode([{
    name      = "api"
    image     = "public.ecr.aws/nginx/nginx:1.25"
    essential = true
    memory    = 256
  }])
}
