# The changed configuration: planned against the base state, it exercises every kind of change.

resource "aws_s3_bucket" "data" {
  bucket = "${var.prefix}-data"
  tags = {
    team = "platform"
    env  = "test"
  }
}

# A plain create. It reads the bucket's tags, so the tag drift made out of band affects this plan.
resource "aws_ssm_parameter" "data_team" {
  name  = "/${var.prefix}/data-team"
  type  = "String"
  value = aws_s3_bucket.data.tags["team"]
}

# A new bucket name forces a replacement (destroy first: the default order).
resource "aws_s3_bucket" "logs" {
  bucket = "${var.prefix}-logs-v2"
}

# Read at apply time: it depends on the replaced bucket's unknown id.
data "aws_s3_bucket" "logs" {
  bucket = aws_s3_bucket.logs.id
}

resource "aws_sqs_queue" "dlq" {
  name = "${var.prefix}-dlq"
  # Tags are changed out of band in the scenario: drift that does not affect this plan.
  lifecycle {
    ignore_changes = [tags]
  }
}

resource "aws_sqs_queue" "jobs" {
  name = "${var.prefix}-jobs"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
}

# A new name with create_before_destroy: replaced create-first.
resource "aws_sqs_queue" "blue_green" {
  name = "${var.prefix}-bg-v2"
  lifecycle {
    create_before_destroy = true
  }
}

moved {
  from = aws_sqs_queue.old_name
  to   = aws_sqs_queue.renamed
}

resource "aws_sqs_queue" "renamed" {
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

# Widened: a new statement grants every SQS action on every resource.
resource "aws_iam_role_policy" "app" {
  name = "app"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadJobs"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = [aws_sqs_queue.jobs.arn]
      },
      {
        Sid      = "Everything"
        Effect   = "Allow"
        Action   = ["sqs:*"]
        Resource = "*"
      },
    ]
  })
}

# Opened to the internet.
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
  ingress {
    description = "http from anywhere"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# The "beta" key is gone: that instance is destroyed.
resource "aws_ssm_parameter" "items" {
  for_each = toset(["alpha"])
  name     = "/${var.prefix}/items/${each.key}"
  type     = "String"
  value    = each.key
}

resource "aws_ssm_parameter" "secret" {
  name  = "/${var.prefix}/db-password"
  type  = "SecureString"
  value = var.db_password
}

# Leaves state without destroying the parameter.
removed {
  from = aws_ssm_parameter.forgotten
  lifecycle {
    destroy = false
  }
}

# Planned with -replace=aws_ssm_parameter.rotated.
resource "aws_ssm_parameter" "rotated" {
  name  = "/${var.prefix}/rotated"
  type  = "String"
  value = "replaced on request"
}

# aws_dynamodb_table.sessions is gone from the configuration: destroyed.

# Created out of band with boto3, adopted here, and re-tagged in the same plan.
import {
  to = aws_s3_bucket.imported
  id = "${var.prefix}-imported"
}

resource "aws_s3_bucket" "imported" {
  bucket = "${var.prefix}-imported"
  tags = {
    adopted = "true"
  }
}

# A new image and a new environment variable: the task definition is replaced.
resource "aws_ecs_task_definition" "api" {
  family = "${var.prefix}-api"
  container_definitions = jsonencode([{
    name      = "api"
    image     = "public.ecr.aws/nginx/nginx:1.27"
    essential = true
    memory    = 256
    environment = [
      { name = "LOG_LEVEL", value = "info" },
    ]
  }])
}
