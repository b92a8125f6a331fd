data "aws_region" "current" {}

locals {
  service_prefix = "com.amazonaws.${data.aws_region.current.name}"
}

resource "aws_vpc_endpoint" "gateway" {
  for_each = var.gateway_services

  vpc_id            = var.vpc_id
  service_name      = "${local.service_prefix}.${each.value}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.route_table_ids

  tags = merge(var.tags, { Name = "${var.name}-${each.value}" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = var.interface_services

  vpc_id              = var.vpc_id
  service_name        = "${local.service_prefix}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = var.security_group_ids
  private_dns_enabled = var.private_dns_enabled

  tags = merge(var.tags, { Name = "${var.name}-${each.value}" })
}
