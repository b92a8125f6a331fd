"""AWS IAM policy evaluation (pure): what a role's policies, its permissions boundary and the
resource's policy allow, following AWS's documented evaluation logic. See docs/least-privilege.md."""
