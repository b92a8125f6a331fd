# A small root for the apply-time cost policy tests (tests/integration/test_apply_cost_policy.py):
# NAT gateways, each with its Elastic IP, so the plan's monthly cost change is a known multiple of two
# unit prices. Only planned (never applied) against the local AWS emulator.

resource "aws_vpc" "this" {
  cidr_block = "10.43.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.43.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_eip" "nat" {
  count  = var.nat_gateways
  domain = "vpc"
}

resource "aws_nat_gateway" "this" {
  count         = var.nat_gateways
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public.id
}
