variable "setting" {
  type        = string
  description = "Value of the configuration parameter; changing it is an in-place update."
}

variable "owner" {
  type        = string
  description = "Owner tag of the bucket."
}

variable "with_queue" {
  type        = bool
  description = "Whether the queue exists (a create full of values known only after apply)."
  default     = false
}
