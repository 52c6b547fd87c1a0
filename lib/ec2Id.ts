/**
 * EC2 resource ids: a prefix, a hyphen and 8 hex digits (older resources) or 17 ("Resource IDs",
 * Amazon EC2 User Guide: longer IDs have 17 characters after the hyphen). AWS prints them in lowercase.
 */
const ec2Id = (prefix: string): RegExp => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);

export const SUBNET_ID = ec2Id("subnet");
export const SECURITY_GROUP_ID = ec2Id("sg");
export const VPC_ENDPOINT_ID = ec2Id("vpce");
export const VPC_ID = ec2Id("vpc");
