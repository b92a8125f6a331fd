"""Terraform plans as data: loading (:mod:`.load`), the summary model (:mod:`.model`) and the
pure analyses it is built from (counts, masking, JSON-in-string diffs, risk flags, drift)."""
