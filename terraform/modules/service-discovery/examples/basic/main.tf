# A namespace with two services: `api` (A records, what awsvpc tasks register) and `worker` (SRV,
# which publishes the port too). Applied, re-planned and destroyed against the local AWS emulator
# by tests/integration/test_seed_modules.py.

module "service_discovery" {
  source = "../.."

  namespace_name = "example.platform.internal"
  vpc_id         = var.vpc_id

  services = {
    api    = { description = "HTTP API" }
    worker = { record_type = "SRV", ttl = 30 }
  }
}
