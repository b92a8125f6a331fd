# A file system shared by the tasks of one application, through one access point. Applied,
# re-planned and destroyed against the local AWS emulator by tests/integration/test_seed_modules.py.

module "efs" {
  source = "../.."

  name                      = "example-shared"
  vpc_id                    = var.vpc_id
  subnet_ids                = var.subnet_ids
  client_security_group_ids = var.client_security_group_ids

  access_points = {
    app = { path = "/app", uid = 1000, gid = 1000 }
  }

  # A throwaway example: its key may go after a week.
  kms_key_deletion_window_in_days = 7
}
