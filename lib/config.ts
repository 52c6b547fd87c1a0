/**
 * Stack configuration → typed settings, validated before any resource is declared.
 * Input values are the raw strings Pulumi hands over (structured YAML values arrive as JSON text).
 */
import { parseStandardCidr } from "./iam/cidr";
import { ACCOUNT_ID, REGION, ROLE_ARN, normalizePrincipal, partitionOf, parseArn } from "./arn";
import { unknownKeyProblems } from "./configKeys";
import { DATASET_YEARS, HOLIDAY_NAMES, HOLIDAY_YEAR_RANGE, HolidayNames } from "./holidays";
import { InvokerStack, parseInvokerStacks } from "./invokerStacks";
import { DATA_RETENTION_VALUES, type DataRetention } from "./retention";
import { closest } from "./suggest";
import { SECURITY_GROUP_ID, SUBNET_ID, VPC_ENDPOINT_ID } from "./ec2Id";

/** How the program reaches one AWS account. */
export interface AccountAccess {
  /** The 12-digit account id; the provider refuses to act on any other account. */
  accountId: string;
  /** A named profile from the shared AWS config/credentials files. */
  profile?: string;
  /** A role to assume in that account. */
  roleArn?: string;
  /** External id for the assume-role call. */
  externalId?: string;
  /** Session name for the assume-role call. */
  sessionName?: string;
  /**
   * Short-lived credentials handed over as config, e.g. by a Pulumi ESC environment's
   * `fn::open::aws-login` through `pulumiConfig`: the key id and secret together, the token with them.
   */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface Settings {
  region: string;
  partition: "aws" | "aws-cn" | "aws-us-gov";
  accountA: AccountAccess;
  /** Undefined in single-account mode: the caller then lives in account A. */
  accountB?: AccountAccess;
  stageName: string;
  /** Years served in `api/v1/data.json`; every dataset year when `years` is unset. */
  years: number[];
  /** Extra principals (normalized ARNs) allowed besides the caller role. */
  invokers: string[];
  /** CIDRs the API may be called from; empty means no IP restriction. */
  sourceIpAllowList: string[];
  /** Deny every principal that is not listed, even administrators of account A. */
  exclusive: boolean;
  /** Only principals of this AWS Organization may invoke. */
  principalOrgId?: string;
  /** Stacks whose exported role ARN joins the invokers, read through StackReference (lib/invokerStacks). */
  invokerStacks: InvokerStack[];
  /** What `pulumi destroy` does with the data bucket: keep it (`retain`) or delete every version (`destroy`). */
  dataRetention: DataRetention;
  /** Whose names substitute holidays get: the dataset's (`建国記念の日 振替休日`) or the Cabinet Office CSV's (`休日`). */
  holidayNames: HolidayNames;
  /** `regional`: a REGIONAL API reached over the internet. `private`: a PRIVATE API reached through a VPC endpoint in account B. */
  endpointType: EndpointType;
  /** The caller's own subnets (and security groups) in account B; undefined: the program makes a VPC (private only). */
  callerVpc?: CallerVpc;
  /** Endpoint ids (`vpce-…`) allowed besides the program's own endpoint (private only). */
  allowedVpcEndpoints: string[];
}

export type EndpointType = "regional" | "private";
export const ENDPOINT_TYPES: readonly EndpointType[] = ["regional", "private"];

/** Subnets (and optionally security groups) of an existing VPC in account B for the caller Lambda and the endpoint. */
export interface CallerVpc {
  /** Subnets of one VPC, ideally in two or more AZs; the Lambda and the endpoint get a network interface in each. */
  subnetIds: string[];
  /** The Lambda's security groups; undefined: the program makes one that may reach the endpoint on 443 only. */
  securityGroupIds?: string[];
}

/** The raw config keys this program reads, each a string as Pulumi stores it, or undefined. */
export interface RawConfig {
  region?: string;
  accountA?: string;
  accountB?: string;
  stageName?: string;
  years?: string;
  invokers?: string;
  sourceIpAllowList?: string;
  exclusive?: string;
  principalOrgId?: string;
  invokerStacks?: string;
  dataRetention?: string;
  holidayNames?: string;
  endpointType?: string;
  callerVpc?: string;
  allowedVpcEndpoints?: string;
}

/** The keys of {@link RawConfig} in the order they are documented. */
export const CONFIG_KEYS: readonly (keyof RawConfig)[] = [
  "region",
  "accountA",
  "accountB",
  "stageName",
  "years",
  "invokers",
  "sourceIpAllowList",
  "exclusive",
  "principalOrgId",
  "invokerStacks",
  "dataRetention",
  "holidayNames",
  "endpointType",
  "callerVpc",
  "allowedVpcEndpoints",
];

/** The stack's flat config (`{"aws:region": …, "<project>:<key>": …}`, as `pulumi.runtime.allConfig()` returns it) as {@link RawConfig}. */
export function rawConfigFromFlat(flat: Readonly<Record<string, string>>, project: string): RawConfig {
  const raw: RawConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = flat[configKey(key, project)];
    if (value !== undefined) raw[key] = value;
  }
  return raw;
}

export interface ConfigProblem {
  /** The full config key, e.g. `holidays-api:accountA.accountId`. */
  key: string;
  /** The value as the user wrote it; omitted for keys this program does not read (it may be a secret). */
  value?: string;
  expected: string;
  fix: string;
}

/** The one-line form of every user error: the key and value, what was expected, and the fix. */
export function problemLine(p: ConfigProblem): string {
  return `${p.key}${p.value === undefined ? "" : ` = ${p.value}`}: expected ${p.expected}. Fix: ${p.fix}`;
}

/** One or more invalid config values; the message lists every one with its fix. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super("Invalid stack configuration:\n" + problems.map((p) => `  - ${problemLine(p)}`).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export const DEFAULT_REGION = "ap-northeast-1";
export const DEFAULT_STAGE = "dev";
/** API Gateway stage names: letters, digits, `-` and `_`, at most 128 (CreateStage, API Gateway API Reference). */
export const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const ACCOUNT_FIELDS = [
  "accountId",
  "profile",
  "roleArn",
  "externalId",
  "sessionName",
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
] as const;
/** Credentials: their values never appear in an error (ESC marks them secret; a log or CI output would show them). */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["accessKeyId", "secretAccessKey", "sessionToken"]);
/** Passed to a problem in place of a value that must not be shown. */
const HIDDEN = Symbol("hidden");

/** The full config key of a {@link RawConfig} field: `aws:region`, else `<project>:<field>`. */
export const configKey = (k: string, project: string): string => (k === "region" ? "aws:region" : `${project}:${k}`);

export interface ParseOptions {
  project: string;
  /** The stack's whole config map (`pulumi.runtime.allConfig()`): every key must be one this program reads. */
  allConfig?: Readonly<Record<string, string>>;
}

/** Validates everything and returns settings, or throws one {@link ConfigError} naming each bad value. */
export function parseSettings(raw: RawConfig, opts: ParseOptions): Settings {
  const problems: ConfigProblem[] = [];
  const key = (k: string) => configKey(k, opts.project);
  if (opts.allConfig) problems.push(...unknownKeyProblems(opts.allConfig, CONFIG_KEYS.map(key), opts.project));
  const bad = (k: string, value: unknown, expected: string, fix: string): undefined => {
    problems.push({ key: key(k), value: value === HIDDEN ? undefined : show(value), expected, fix });
    return undefined;
  };

  const region = raw.region ?? DEFAULT_REGION;
  if (!REGION.test(region))
    bad("region", region, "an AWS region name such as ap-northeast-1", "pulumi config set aws:region ap-northeast-1");
  const partition = partitionOf(region);

  const accountA = parseAccount("accountA", raw.accountA, true, partition, bad);
  const accountB = parseAccount("accountB", raw.accountB, false, partition, bad);

  const stageName = raw.stageName ?? DEFAULT_STAGE;
  if (!STAGE_NAME.test(stageName)) {
    bad("stageName", stageName, "1-128 letters, digits, '-' or '_'", `pulumi config set stageName ${DEFAULT_STAGE}`);
  }

  const years = parseYears(raw.years, bad);
  const invokers = parseInvokers(raw.invokers, partition, bad);
  const sourceIpAllowList = parseCidrs(raw.sourceIpAllowList, bad);

  let exclusive = true;
  if (raw.exclusive !== undefined) {
    if (raw.exclusive === "true" || raw.exclusive === "false") exclusive = raw.exclusive === "true";
    else bad("exclusive", raw.exclusive, "true or false", "pulumi config set exclusive true");
  }

  const principalOrgId = raw.principalOrgId;
  if (principalOrgId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(principalOrgId)) {
    bad(
      "principalOrgId",
      principalOrgId,
      "an AWS Organizations id like o-a1b2c3d4e5",
      "copy the id from `aws organizations describe-organization`",
    );
  }

  const invokerStacks = raw.invokerStacks === undefined ? [] : parseInvokerStacks(parseJson(raw.invokerStacks), bad);
  const dataRetention = parseDataRetention(raw.dataRetention, bad);
  const holidayNames = parseHolidayNames(raw.holidayNames, bad);
  const endpointType = parseEndpointType(raw.endpointType, bad);
  const callerVpc = raw.callerVpc === undefined ? undefined : parseCallerVpc(parseJson(raw.callerVpc), bad);
  const allowedVpcEndpoints = parseVpcEndpointIds(raw.allowedVpcEndpoints, bad);
  checkNetworkOptions(raw, endpointType, bad);

  if (problems.length > 0 || !accountA) throw new ConfigError(problems);
  return {
    region,
    partition,
    accountA,
    accountB,
    stageName,
    years,
    invokers,
    sourceIpAllowList,
    exclusive,
    principalOrgId,
    invokerStacks,
    dataRetention,
    holidayNames,
    endpointType,
    callerVpc,
    allowedVpcEndpoints,
  };
}

type Bad = (k: string, value: unknown, expected: string, fix: string) => undefined;

/** A value as an error message shows it. */
export function show(value: unknown): string {
  if (value === undefined) return "(not set)";
  return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Pulumi stores a plain scalar as its own text; anything that is not JSON is that scalar.
    return text;
  }
}

function parseAccount(
  k: "accountA" | "accountB",
  text: string | undefined,
  required: boolean,
  partition: string,
  bad: Bad,
): AccountAccess | undefined {
  const example = `{accountId: "111111111111", profile: "${k === "accountA" ? "account-a" : "account-b"}"}`;
  if (text === undefined) {
    return required ? bad(k, undefined, `an object such as ${example}`, `add ${k} under config: in Pulumi.<stack>.yaml`) : undefined;
  }
  const value = parseJson(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return bad(k, value, `an object such as ${example}`, `write ${k} as a YAML mapping in Pulumi.<stack>.yaml`);
  }
  const obj = value as Record<string, unknown>;
  let ok = true;
  for (const field of Object.keys(obj)) {
    if (!(ACCOUNT_FIELDS as readonly string[]).includes(field)) {
      ok = false;
      // Not shown: a misspelt credential field (secretKey) holds a secret.
      bad(`${k}.${field}`, HIDDEN, `one of the fields ${ACCOUNT_FIELDS.join(", ")}`, `remove or rename ${k}.${field}`);
    }
  }
  for (const field of ACCOUNT_FIELDS) {
    if (field !== "accountId" && obj[field] !== undefined && (typeof obj[field] !== "string" || obj[field] === "")) {
      ok = false;
      bad(`${k}.${field}`, SECRET_FIELDS.has(field) ? HIDDEN : obj[field], "a non-empty string", `quote ${k}.${field} or remove it`);
    }
  }
  if (!credentialFieldsOk(k, obj, bad)) ok = false;
  const accountId = obj.accountId;
  if (typeof accountId !== "string" || !ACCOUNT_ID.test(accountId)) {
    ok = false;
    const hint =
      typeof accountId === "number" ? 'quote it in YAML ("012345678901") so leading zeros survive' : "set it to the account's 12-digit id";
    bad(`${k}.accountId`, accountId, "a 12-digit AWS account id as a quoted string", hint);
  }
  const roleArn = obj.roleArn;
  if (typeof roleArn === "string" && roleArn !== "") {
    const m = ROLE_ARN.exec(roleArn);
    if (!m) {
      ok = false;
      bad(
        `${k}.roleArn`,
        roleArn,
        `an IAM role ARN like arn:${partition}:iam::111111111111:role/deployer`,
        `fix ${k}.roleArn or remove it`,
      );
    } else if (typeof accountId === "string" && m[2] !== accountId) {
      ok = false;
      bad(
        `${k}.roleArn`,
        roleArn,
        `a role in ${k}.accountId ${accountId}`,
        `use a role of account ${accountId}, or correct ${k}.accountId`,
      );
    } else if (m[1] !== partition) {
      ok = false;
      bad(`${k}.roleArn`, roleArn, `an ARN in partition ${partition} (from aws:region)`, "use the partition of the configured region");
    }
  }
  if (!ok) return undefined;
  const out: AccountAccess = { accountId: accountId as string };
  for (const field of ACCOUNT_FIELDS) {
    if (field !== "accountId" && typeof obj[field] === "string") out[field] = obj[field] as string;
  }
  return out;
}

/**
 * Static credentials: the key id and the secret together (a token only with them), never beside a
 * profile (which would be ignored: the provider prefers static keys). The key id's form is STS's
 * (AWS STS API Reference, "Credentials": AccessKeyId, 16-128 word characters). No value is shown.
 */
function credentialFieldsOk(k: string, obj: Record<string, unknown>, bad: Bad): boolean {
  const has = (f: string) => obj[f] !== undefined;
  let ok = true;
  if (has("accessKeyId") !== has("secretAccessKey")) {
    ok = false;
    const [given, missing] = has("accessKeyId") ? ["accessKeyId", "secretAccessKey"] : ["secretAccessKey", "accessKeyId"];
    bad(`${k}.${missing}`, HIDDEN, `set together with ${k}.${given}`, `give both ${k}.accessKeyId and ${k}.secretAccessKey, or neither`);
  }
  if (has("sessionToken") && !(has("accessKeyId") && has("secretAccessKey"))) {
    ok = false;
    bad(
      `${k}.sessionToken`,
      HIDDEN,
      `a token with ${k}.accessKeyId and ${k}.secretAccessKey`,
      `add the key pair it belongs to, or remove ${k}.sessionToken`,
    );
  }
  if (has("accessKeyId") && has("profile")) {
    ok = false;
    bad(
      `${k}.profile`,
      obj.profile,
      `either a profile or an access key, not both`,
      `remove ${k}.profile when the credentials come from config (ESC)`,
    );
  }
  if (typeof obj.accessKeyId === "string" && obj.accessKeyId !== "" && !/^\w{16,128}$/.test(obj.accessKeyId)) {
    ok = false;
    bad(
      `${k}.accessKeyId`,
      HIDDEN,
      "an AWS access key id (16-128 letters or digits, e.g. ASIA…)",
      `copy the key id whole, or remove ${k}.accessKeyId`,
    );
  }
  return ok;
}

/**
 * The years of `api/v1/data.json`. Unset means every year the dataset has: no clock is read, so the
 * same code and config give the same plan on any date, and the window never changes silently.
 */
function parseYears(text: string | undefined, bad: Bad): number[] {
  const { min, max } = HOLIDAY_YEAR_RANGE;
  const expected = `a non-empty list of years between ${min} and ${max}`;
  if (text === undefined) return [...DATASET_YEARS];
  const value = parseJson(text);
  if (!Array.isArray(value) || value.length === 0) {
    bad("years", value, expected, "write years as a YAML list, e.g. [2025, 2026, 2027], or remove it for every dataset year");
    return [];
  }
  const wrong = value.filter((y) => typeof y !== "number" || !Number.isInteger(y) || y < min || y > max);
  if (wrong.length > 0) {
    bad("years", value, expected, `remove ${wrong.map((w) => JSON.stringify(w)).join(", ")} (the holiday dataset covers ${min}-${max})`);
    return [];
  }
  return [...new Set(value as number[])].sort((a, b) => a - b);
}

function stringList(k: string, text: string | undefined, expected: string, bad: Bad): string[] | undefined {
  if (text === undefined) return [];
  const value = parseJson(text);
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    return bad(k, value, expected, `write ${k} as a YAML list of strings`);
  }
  return value as string[];
}

function parseInvokers(text: string | undefined, partition: string, bad: Bad): string[] {
  const expected = `a list of IAM role/user ARNs, account-root ARNs or 12-digit account ids in partition ${partition}`;
  const list = stringList("invokers", text, expected, bad) ?? [];
  const out: string[] = [];
  for (const [i, item] of list.entries()) {
    const norm = normalizePrincipal(item, partition);
    if (!norm || parseArn(norm)?.partition !== partition) {
      bad(`invokers[${i}]`, item, expected, "correct the ARN; wildcards are not allowed");
    } else out.push(norm);
  }
  return [...new Set(out)].sort();
}

/**
 * Standard CIDR text only (lib/iam/cidr): AWS documents no other form, and the octal/short/hex IPv4
 * forms a general parser accepts (`010.0.0.1`, `127.1`, `0x7f.0.0.1`, `167772161`, `/032`) would be
 * read as different addresses than they look like.
 */
function parseCidrs(text: string | undefined, bad: Bad): string[] {
  const expected =
    "a list of CIDR blocks in standard notation, such as 203.0.113.0/24 or 2001:db8::/32 (decimal octets without leading zeros)";
  const list = stringList("sourceIpAllowList", text, expected, bad) ?? [];
  const out: string[] = [];
  for (const [i, item] of list.entries()) {
    if (parseStandardCidr(item)) out.push(item);
    else if (parseStandardCidr(item, { prefixOptional: true }))
      bad(`sourceIpAllowList[${i}]`, item, expected, `append a prefix length, e.g. ${item}/${item.includes(":") ? 128 : 32}`);
    else
      bad(
        `sourceIpAllowList[${i}]`,
        item,
        expected,
        "write the address as four decimal octets (or IPv6 hex groups) and a decimal prefix length without leading zeros",
      );
  }
  return [...new Set(out)].sort();
}

function parseDataRetention(text: string | undefined, bad: Bad): DataRetention {
  if (text === undefined) return "retain";
  if ((DATA_RETENTION_VALUES as readonly string[]).includes(text)) return text as DataRetention;
  bad(
    "dataRetention",
    text,
    `one of ${DATA_RETENTION_VALUES.join(", ")}`,
    "pulumi config set dataRetention retain (keep the data on destroy) or destroy (a dev stack that destroys cleanly)",
  );
  return "retain";
}

/** `holidayNames`: `dataset` (default) or `cabinetOffice`. */
function parseHolidayNames(text: string | undefined, bad: Bad): HolidayNames {
  if (text === undefined) return "dataset";
  const found = HOLIDAY_NAMES.find((n) => n === text);
  if (found) return found;
  bad(
    "holidayNames",
    text,
    `one of ${HOLIDAY_NAMES.join(", ")}`,
    "pulumi config set holidayNames cabinetOffice (every substitute holiday named 休日), or dataset",
  );
  return "dataset";
}

/** `endpointType`: `regional` (default) or `private`; anything else names the closest value. */
function parseEndpointType(text: string | undefined, bad: Bad): EndpointType {
  if (text === undefined) return "regional";
  const found = ENDPOINT_TYPES.find((t) => t === text);
  if (found) return found;
  const near = closest(text, ENDPOINT_TYPES);
  bad(
    "endpointType",
    text,
    `one of ${ENDPOINT_TYPES.join(", ")}`,
    `${near ? `did you mean ${near}? ` : ""}pulumi config set endpointType private (reached only through a VPC endpoint in account B), or regional`,
  );
  return "regional";
}

const CALLER_VPC_FIELDS = ["subnetIds", "securityGroupIds"] as const;
const CALLER_VPC_EXAMPLE =
  '{subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], securityGroupIds: ["sg-0123456789abcdef0"]}';

/** `callerVpc`: subnet ids (required, at least one) and security group ids (optional), each a well-formed EC2 id. */
function parseCallerVpc(value: unknown, bad: Bad): CallerVpc | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return bad("callerVpc", value, `an object such as ${CALLER_VPC_EXAMPLE}`, "write callerVpc as a YAML mapping in Pulumi.<stack>.yaml");
  }
  const obj = value as Record<string, unknown>;
  let ok = true;
  for (const field of Object.keys(obj)) {
    if (!(CALLER_VPC_FIELDS as readonly string[]).includes(field)) {
      ok = false;
      const near = closest(field, CALLER_VPC_FIELDS);
      bad(
        `callerVpc.${field}`,
        obj[field],
        `one of the fields ${CALLER_VPC_FIELDS.join(", ")}`,
        near ? `did you mean ${near}? Rename it` : `remove callerVpc.${field}`,
      );
    }
  }
  const ids = (field: "subnetIds" | "securityGroupIds", pattern: RegExp, example: string): string[] | undefined => {
    const list = obj[field];
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || list.length === 0) {
      ok = false;
      return bad(`callerVpc.${field}`, list, `a non-empty list of ids like ${example}`, `write callerVpc.${field} as a YAML list of ids`);
    }
    for (const [i, id] of list.entries()) {
      if (typeof id !== "string" || !pattern.test(id)) {
        ok = false;
        bad(
          `callerVpc.${field}[${i}]`,
          id,
          `an id like ${example} (8 or 17 lowercase hex digits)`,
          "copy the id from the VPC console or `aws ec2 describe-subnets` / `describe-security-groups`",
        );
      }
    }
    return [...new Set(list as string[])].sort();
  };
  const subnetIds = ids("subnetIds", SUBNET_ID, "subnet-0123456789abcdef0");
  const securityGroupIds = ids("securityGroupIds", SECURITY_GROUP_ID, "sg-0123456789abcdef0");
  if (obj.subnetIds === undefined) {
    ok = false;
    bad(
      "callerVpc.subnetIds",
      undefined,
      "the subnets the caller Lambda and the endpoint use, in one VPC",
      `add subnetIds, as in ${CALLER_VPC_EXAMPLE}, or remove callerVpc to let the program make a VPC`,
    );
  }
  if (!ok || !subnetIds) return undefined;
  return securityGroupIds ? { subnetIds, securityGroupIds } : { subnetIds };
}

function parseVpcEndpointIds(text: string | undefined, bad: Bad): string[] {
  const expected = "a list of interface VPC endpoint ids like vpce-0123456789abcdef0";
  const list = stringList("allowedVpcEndpoints", text, expected, bad) ?? [];
  const out: string[] = [];
  for (const [i, id] of list.entries()) {
    if (VPC_ENDPOINT_ID.test(id)) out.push(id);
    else
      bad(
        `allowedVpcEndpoints[${i}]`,
        id,
        `${expected} (8 or 17 lowercase hex digits)`,
        "copy the id from `aws ec2 describe-vpc-endpoints` in the account that owns it",
      );
  }
  return [...new Set(out)].sort();
}

/**
 * Options whose meaning depends on the endpoint type. `sourceIpAllowList` with `private` is refused:
 * aws:SourceIp "is included in the request context, except when the requester uses a VPC endpoint"
 * (IAM User Guide, "AWS global condition context keys"), so its Deny would refuse every request.
 */
function checkNetworkOptions(raw: RawConfig, endpointType: EndpointType, bad: Bad): void {
  const ips = raw.sourceIpAllowList === undefined ? [] : parseJson(raw.sourceIpAllowList);
  if (endpointType === "private" && !(Array.isArray(ips) && ips.length === 0)) {
    bad(
      "sourceIpAllowList",
      ips,
      'no sourceIpAllowList with endpointType private: aws:SourceIp is absent from requests made through a VPC endpoint (IAM User Guide, "AWS global condition context keys"), so every request would be denied',
      "pulumi config rm sourceIpAllowList (the endpoint's security group already admits the caller Lambda only), or set endpointType regional",
    );
  }
  if (endpointType === "regional") {
    for (const k of ["callerVpc", "allowedVpcEndpoints"] as const) {
      if (raw[k] !== undefined)
        bad(
          k,
          parseJson(raw[k] as string),
          "no " + k + " with endpointType regional: a REGIONAL API is not reached through a VPC endpoint",
          `pulumi config set endpointType private, or pulumi config rm ${k}`,
        );
    }
  }
}
