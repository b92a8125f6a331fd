variable "db_instance_class" {
  type        = string
  description = "RDS instance class of the database (the tests double it)."
  default     = "db.t3.micro"
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
