variable "db_instance_class" {
  type        = string
  description = "RDS instance class of the database (the tests double it). Sensitive here only so that the tests can check plan cost never prints a sensitive value."
  default     = "db.t3.micro"
  sensitive   = true
}

variable "min_tasks" {
  type        = number
  description = "Autoscaling minimum (and initial desired count) of the api service's Fargate tasks (the tests double it)."
  default     = 1
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for both AZs (true) or one per AZ (false: adds a NAT gateway)."
  default     = true
}
