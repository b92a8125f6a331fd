output "arn" {
  description = "ARN of the load balancer (for WAF association and alarms)."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (the `LoadBalancer` dimension of CloudWatch metrics)."
  value       = aws_lb.this.arn_suffix
}

output "name" {
  description = "Name of the load balancer."
  value       = aws_lb.this.name
}

output "dns_name" {
  description = "DNS name of the load balancer (target of alias records)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route53 hosted zone ID of the load balancer (for alias records)."
  value       = aws_lb.this.zone_id
}

output "target_group_arn" {
  description = "ARN of the target group the ECS service registers with."
  value       = aws_lb_target_group.this.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (the `TargetGroup` dimension of CloudWatch metrics)."
  value       = aws_lb_target_group.this.arn_suffix
}

output "target_group_name" {
  description = "Name of the target group."
  value       = aws_lb_target_group.this.name
}

output "http_listener_arn" {
  description = "ARN of the port-80 listener (redirects to HTTPS)."
  value       = aws_lb_listener.http.arn
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener (for extra listener rules)."
  value       = aws_lb_listener.https.arn
}
