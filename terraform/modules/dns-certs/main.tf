locals {
  create_zone = var.zone_id == null
  zone_id     = local.create_zone ? aws_route53_zone.this[0].zone_id : var.zone_id

  # One validation record per distinct name: "*.example.com" and "example.com" share one, and a
  # name listed in two certificates must not be written twice.
  validation_options = {
    for key, options in {
      for item in flatten([for cert_key, cert in aws_acm_certificate.this : [
        for dvo in cert.domain_validation_options : {
          key    = trimprefix(dvo.domain_name, "*.")
          name   = dvo.resource_record_name
          type   = dvo.resource_record_type
          record = dvo.resource_record_value
        }
      ]]) : item.key => item...
    } : key => options[0]
  }
}

resource "aws_route53_zone" "this" {
  count = local.create_zone ? 1 : 0

  #checkov:skip=CKV2_AWS_38:DNSSEC signing only protects once the DS record is published at the parent (registrar), which is outside Terraform's reach here; enable it per zone with the registrar step (see README). exp:2027-02-19
  #checkov:skip=CKV2_AWS_39:Query logging is billed per query and needs a us-east-1 log group with a Route53 resource policy; a root that wants it adds aws_route53_query_log for this zone_id output (see README). exp:2027-02-19
  name          = var.zone_name
  comment       = "Managed by Terraform (dns-certs module)"
  force_destroy = var.force_destroy_zone

  tags = merge(var.tags, { Name = var.zone_name })
}

# With parent_zone_id, the created zone is delegated from its parent (a Route53 zone this account
# holds) in the same apply, so certificate validation never waits on a hand step.
resource "aws_route53_record" "delegation" {
  count = local.create_zone && var.parent_zone_id != null ? 1 : 0

  zone_id = var.parent_zone_id
  name    = var.zone_name
  type    = "NS"
  ttl     = 300
  records = aws_route53_zone.this[0].name_servers
}

resource "aws_acm_certificate" "this" {
  for_each = var.certificates

  domain_name               = each.value.domain_name
  subject_alternative_names = each.value.subject_alternative_names
  validation_method         = "DNS"
  key_algorithm             = "RSA_2048"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = merge(var.tags, { Name = each.key })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = local.validation_options

  zone_id         = local.zone_id
  name            = each.value.name
  type            = each.value.type
  ttl             = 60
  records         = [each.value.record]
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  for_each = aws_acm_certificate.this

  # ACM resolves the validation records through public DNS: a zone created here answers only once
  # its parent delegates to it.
  depends_on = [aws_route53_record.delegation]

  certificate_arn = each.value.arn
  validation_record_fqdns = [
    for dvo in each.value.domain_validation_options : aws_route53_record.validation[trimprefix(dvo.domain_name, "*.")].fqdn
  ]
}

resource "aws_route53_record" "this" {
  for_each = var.records

  zone_id = local.zone_id
  name    = each.value.name == "" ? var.zone_name : "${each.value.name}.${var.zone_name}"
  type    = each.value.type
  ttl     = each.value.alias == null ? each.value.ttl : null
  records = each.value.alias == null ? each.value.values : null

  dynamic "alias" {
    for_each = each.value.alias == null ? [] : [each.value.alias]

    content {
      name                   = alias.value.name
      zone_id                = alias.value.zone_id
      evaluate_target_health = alias.value.evaluate_target_health
    }
  }
}
