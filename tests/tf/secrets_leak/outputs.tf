output "passed_on" {
  description = "The declared secret passed on through nonsensitive() in the changed stage."
  value       = local.changed ? nonsensitive(var.db_password) : "none"
}
