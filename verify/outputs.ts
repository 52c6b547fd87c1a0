/**
 * The stack outputs `npm run verify` reads (what index.ts exports), checked for presence and type:
 * a stack deployed by an older version of the program, or not deployed at all, gets one clear line.
 */
export interface DeployedOutputs {
  region: string;
  accountAId: string;
  accountBId: string;
  stageName: string;
  restApiId: string;
  dataUrl: string;
  methodArn: string;
  callerFunctionName: string;
  /** The resource policy as the program rendered it at the last `pulumi up` (canonical JSON). */
  resourcePolicy: string;
  holidayYears: number[];
  /** `REGIONAL` or `PRIVATE`; absent from a stack deployed before the program exported it. */
  endpointType?: string;
  /** The caller's execute-api VPC endpoint (private only). */
  vpcEndpointId?: string;
  /** The VPC the caller Lambda and the endpoint are in (private only). */
  callerVpcId?: string;
}

const STRING_KEYS = [
  "region",
  "accountAId",
  "accountBId",
  "stageName",
  "restApiId",
  "dataUrl",
  "methodArn",
  "callerFunctionName",
  "resourcePolicy",
] as const;

export class OutputsError extends Error {}

export function parseDeployedOutputs(stack: string, raw: Record<string, unknown>): DeployedOutputs {
  const missing = STRING_KEYS.filter((k) => typeof raw[k] !== "string" || raw[k] === "");
  const years = raw.holidayYears;
  const yearsOk = Array.isArray(years) && years.length > 0 && years.every((y) => Number.isInteger(y));
  if (missing.length > 0 || !yearsOk) {
    const names = [...missing, ...(yearsOk ? [] : ["holidayYears"])].join(", ");
    throw new OutputsError(
      `Stack ${stack} has no output(s) ${names}: it is not deployed, or was deployed by an older version of this program. Fix: run \`pulumi up\` for stack ${stack}, then verify again.`,
    );
  }
  const out = Object.fromEntries(STRING_KEYS.map((k) => [k, raw[k] as string])) as Omit<DeployedOutputs, "holidayYears">;
  const optional = (k: string) => (typeof raw[k] === "string" && raw[k] !== "" ? (raw[k] as string) : undefined);
  return {
    ...out,
    holidayYears: years as number[],
    endpointType: optional("endpointType")?.toUpperCase(),
    vpcEndpointId: optional("vpcEndpointId"),
    callerVpcId: optional("callerVpcId"),
  };
}
