output "alb_security_group_id" {
  description = "ID of the load balancer's security group."
  value       = aws_security_group.alb.id
}

output "alb_security_group_arn" {
  description = "ARN of the load balancer's security group."
  value       = aws_security_group.alb.arn
}

output "tasks_security_group_id" {
  description = "ID of the ECS tasks' security group."
  value       = aws_security_group.tasks.id
}

output "tasks_security_group_arn" {
  description = "ARN of the ECS tasks' security group."
  value       = aws_security_group.tasks.arn
}

output "rds_security_group_id" {
  description = "ID of the database (and RDS Proxy) security group."
  value       = aws_security_group.rds.id
}

output "rds_security_group_arn" {
  description = "ARN of the database (and RDS Proxy) security group."
  value       = aws_security_group.rds.arn
}

output "redis_security_group_id" {
  description = "ID of the Redis security group."
  value       = aws_security_group.redis.id
}

output "redis_security_group_arn" {
  description = "ARN of the Redis security group."
  value       = aws_security_group.redis.arn
}

output "endpoints_security_group_id" {
  description = "ID of the interface endpoints' security group (null when vpc_cidr_block is null)."
  value       = try(aws_security_group.endpoints[0].id, null)
}
