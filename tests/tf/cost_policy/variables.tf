variable "nat_gateways" {
  type        = number
  description = "How many NAT gateways (each with an Elastic IP) the plan creates."
  default     = 1

  validation {
    condition     = var.nat_gateways >= 0 && var.nat_gateways <= 3
    error_message = "nat_gateways must be between 0 and 3."
  }
}
