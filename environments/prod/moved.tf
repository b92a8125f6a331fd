# Carries state from the old flat layout (every module called from this root) into
# terraform/platform without replacing anything. Keep until every copy of this state has been
# applied once with it, then delete the file (docs/terraform.md, "Migrating to terraform/platform").

moved {
  from = module.network
  to   = module.platform.module.network
}

moved {
  from = module.security_groups
  to   = module.platform.module.security_groups
}

moved {
  from = module.endpoints
  to   = module.platform.module.endpoints
}

moved {
  from = module.dns
  to   = module.platform.module.dns
}

moved {
  from = module.alb
  to   = module.platform.module.alb
}

moved {
  from = module.waf_alb
  to   = module.platform.module.waf_alb
}

moved {
  from = module.ecs
  to   = module.platform.module.ecs
}

moved {
  from = module.database
  to   = module.platform.module.database
}

moved {
  from = module.secrets
  to   = module.platform.module.secrets
}

moved {
  from = module.cache
  to   = module.platform.module.cache
}

moved {
  from = module.waf_cloudfront
  to   = module.platform.module.waf_cloudfront
}

moved {
  from = module.frontend
  to   = module.platform.module.frontend
}

moved {
  from = module.auth
  to   = module.platform.module.auth
}

moved {
  from = module.integrations
  to   = module.platform.module.integrations
}

moved {
  from = module.observability
  to   = module.platform.module.observability
}

moved {
  from = aws_acm_certificate.frontend
  to   = module.platform.aws_acm_certificate.frontend
}

moved {
  from = aws_route53_record.frontend_certificate_validation
  to   = module.platform.aws_route53_record.frontend_certificate_validation
}

moved {
  from = aws_acm_certificate_validation.frontend
  to   = module.platform.aws_acm_certificate_validation.frontend
}

moved {
  from = module.deploy_trigger
  to   = module.platform.module.deploy_trigger[0]
}

moved {
  from = module.alarm_chat
  to   = module.platform.module.alarm_chat[0]
}
