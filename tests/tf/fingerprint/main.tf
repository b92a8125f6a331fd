# A small root for the fingerprint tests: an in-place update (parameter value, bucket tags), a
# create with unknown values (queue) and an output change.
resource "aws_ssm_parameter" "setting" {
  name  = "/pt-fp/setting"
  type  = "String"
  value = var.setting
}

resource "aws_s3_bucket" "data" {
  bucket = "pt-fp-data"
  tags   = { owner = var.owner }
}

resource "aws_sqs_queue" "work" {
  count = var.with_queue ? 1 : 0
  name  = "pt-fp-work"
}

output "setting_version" {
  value = aws_ssm_parameter.setting.version
}

output "owner" {
  value = var.owner
}
