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
const ACCOUNT_FIELDS = ["accountId", "profile", "roleArn", "externalId", "sessionName"] as const;

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
    problems.push({ key: key(k), value: show(value), expected, fix });
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
      bad(`${k}.${field}`, obj[field], `one of the fields ${ACCOUNT_FIELDS.join(", ")}`, `remove or rename ${k}.${field}`);
    }
  }
  for (const field of ACCOUNT_FIELDS) {
    if (field !== "accountId" && obj[field] !== undefined && (typeof obj[field] !== "string" || obj[field] === "")) {
      ok = false;
      bad(`${k}.${field}`, obj[field], "a non-empty string", `quote ${k}.${field} or remove it`);
    }
  }
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
  for (const field of ["profile", "roleArn", "externalId", "sessionName"] as const) {
    if (typeof obj[field] === "string") out[field] = obj[field] as string;
  }
  return out;
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
