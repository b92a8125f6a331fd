variable "db_instance_class" {
  type        = string
  description = "RDS instance class of the database (the tests double it)."
  default     = "db.t3.micro"
}

variable "desired_count" {
  type        = number
  description = "Number of Fargate tasks of the api service (the tests double it)."
  default     = 1
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for both AZs (true) or one per AZ (false: adds a NAT gateway)."
  default     = true
}
