# The smallest useful use of the module: one nightly task on a cron schedule and one task run for
# every object created in an S3 bucket with EventBridge notifications on. Applied, re-planned and
# destroyed against the local AWS emulator by tests/integration/test_seed_modules.py.

resource "aws_ecs_cluster" "jobs" {
  name = "example-jobs"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

module "scheduled_tasks" {
  source = "../.."

  name               = "example-jobs"
  cluster_arn        = aws_ecs_cluster.jobs.arn
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids

  tasks = {
    nightly-report = {
      image               = "public.ecr.aws/docker/library/busybox@sha256:37f7b378a29ceb4c551b1b5582e27747b855bbfaa73fa11914fe0df028dc581f"
      command             = ["sh", "-c", "echo report"]
      schedule_expression = "cron(15 2 * * ? *)"
      schedule_timezone   = "Europe/Berlin"
    }
    on-upload = {
      image   = "public.ecr.aws/docker/library/busybox@sha256:37f7b378a29ceb4c551b1b5582e27747b855bbfaa73fa11914fe0df028dc581f"
      command = ["sh", "-c", "echo processing"]
      event_pattern = jsonencode({
        source        = ["aws.s3"]
        "detail-type" = ["Object Created"]
        detail        = { bucket = { name = ["example-uploads"] } }
      })
    }
  }

  # Short-lived example: its key may go after a week.
  kms_key_deletion_window_in_days = 7
}
