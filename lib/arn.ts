/** ARN, account-id, region and principal helpers shared by config validation, policy and the local gateway. */

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const IAM_NAME_PATH = "(?:/[\\x21-\\x7e]*)?[\\w+=,.@-]+";
export const ROLE_ARN = new RegExp(`^arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role(/|/[\\x21-\\x7e]*/)[\\w+=,.@-]{1,64}$`);
const PRINCIPAL_ARN = new RegExp(`^arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):(root|role${IAM_NAME_PATH}|user${IAM_NAME_PATH})$`);

export interface Arn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** Splits an ARN into its six parts; the resource part may itself contain colons. */
export function parseArn(arn: string): Arn | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, accountId] = parts;
  return { partition, service, region, accountId, resource: parts.slice(5).join(":") };
}

/** The AWS partition a region belongs to. */
export function partitionOf(region: string): "aws" | "aws-cn" | "aws-us-gov" {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * Normalizes an invoker principal: a role, user or account-root ARN is kept; a bare 12-digit account id
 * becomes that account's root ARN, as AWS itself stores it. Returns undefined when the value is neither.
 */
export function normalizePrincipal(value: string, partition: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return `arn:${partition}:iam::${value}:root`;
  return PRINCIPAL_ARN.test(value) ? value : undefined;
}

/** The 12-digit account that owns an IAM principal ARN (or undefined). */
export function accountOfPrincipal(arn: string): string | undefined {
  const m = PRINCIPAL_ARN.exec(arn) ?? ROLE_ARN.exec(arn);
  return m ? m[2] : undefined;
}

/**
 * The ARN of one API Gateway method, as resource policies and identity policies name it:
 * `<executionArn>/<stage>/<METHOD>/<path without leading slash>`.
 */
export function methodArn(executionArn: string, stageName: string, httpMethod: string, resourcePath: string): string {
  return `${executionArn}/${stageName}/${httpMethod.toUpperCase()}/${resourcePath.replace(/^\//, "")}`;
}
