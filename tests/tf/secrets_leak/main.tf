# A root whose plan puts secrets where escaping and element-level marks once let them through.
# tests/unit/plan/test_secrets_before_escaping.py has the same attacks on hand-made plans, and the
# sensitive-and-unknown one: made from a configuration here (a map turning sensitive and unknown),
# terraform 1.11 leaves the unknown unmarked in its JSON and shows the old value itself.

locals {
  changed = var.stage == "changed"
}

# What the base stage applies.
resource "aws_s3_bucket" "data" {
  bucket = "${var.prefix}-data"
}

# The declared secret passed on unmarked, as nonsensitive() does.
resource "aws_ssm_parameter" "note" {
  count       = local.changed ? 1 : 0
  name        = "/${var.prefix}/note"
  type        = "String"
  value       = "plain"
  description = nonsensitive(var.db_password)
}

# One inline_policy block holds a sensitive document: terraform marks that element only.
resource "aws_iam_role" "app" {
  count = local.changed ? 1 : 0
  name  = "${var.prefix}-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  inline_policy {
    name   = "hidden"
    policy = var.hidden_policy
  }
  inline_policy {
    name = "plain"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
    })
  }
}
