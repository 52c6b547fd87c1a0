/**
 * `npm start`: the whole two-account story offline, with the code that gets deployed.
 * 1. the program's plan under mocks; 2. the loopback execute-api gateway enforcing the rendered
 * policy; 3. the real bundled caller as the allowed role; 4. the denials. Exit 0 only if every
 * outcome is as expected; otherwise print the differences and exit 1.
 */
import * as path from "node:path";
import { writeCallerBundle } from "../scripts/bundle";
import { ApiError } from "../sigv4/errors";
import { createSignedFetch } from "../sigv4/signedFetch";
import { RunningGateway, startGateway } from "./gateway/server";
import { LocalIdentity } from "./identities";
import { invokeBundle } from "./lambdaRuntime";
import { buildPlan, renderPlan } from "./plan";
import { parseStoryArgs } from "./storyArgs";

interface Outcome {
  what: string;
  expected: string;
  actual: string;
}

const ok = (o: Outcome) => o.expected === o.actual;

async function denialOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "200 OK";
  } catch (err) {
    if (err instanceof ApiError) return `${err.status} ${err.errorType}: ${err.apiMessage}`;
    return `error ${(err as Error).message}`;
  }
}

function signer(gw: RunningGateway, who: LocalIdentity, tamper = false) {
  return createSignedFetch({
    region: gw.region,
    credentials: async () => ({ accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey, sessionToken: who.sessionToken }),
    maxAttempts: 1,
    fetch: tamper
      ? (url, init) => {
        const headers = { ...(init?.headers as Record<string, string>) };
        headers.authorization = headers.authorization.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === "0" ? "1" : "0"}`);
        return fetch(url, { ...init, headers });
      }
      : undefined,
  });
}

/** Tells the story with the given CLI arguments, printing through `print`; resolves to the exit code. */
export async function tellStory(args: string[], print: (text: string) => void = console.log): Promise<number> {
  const { stack, overrides } = parseStoryArgs(args);
  const outcomes: Outcome[] = [];
  const record = (o: Outcome) => {
    outcomes.push(o);
    print(`${ok(o) ? "✔" : "✘"} ${o.what}\n    → ${o.actual}`);
  };

  const t0 = performance.now();
  const plan = await buildPlan(stack, overrides);
  const planMs = Math.round(performance.now() - t0);
  print(`== 1. Plan ==\n${renderPlan(plan)}\n(plan built in ${planMs} ms)\n`);

  const gw = await startGateway(plan);
  try {
    print(`== 2. Local execute-api gateway ==\nListening on ${gw.url} (127.0.0.1 only). It verifies SigV4 with @smithy/signature-v4 and authorizes with the resource policy above plus each identity's policy.`);
    for (const i of gw.identities) print(`  ${i.expectAllowed ? "allowed" : "denied "}  ${i.caller.principalArn}  — ${i.label}`);

    const [caller, ...others] = gw.identities;
    const bundlePath = writeCallerBundle().path;
    print(`\n== 3. The caller Lambda: ${path.relative(process.cwd(), bundlePath)} (the deployed bundle), as ${caller.caller.principalArn} ==`);
    const run = await invokeBundle(bundlePath, {
      API_URL: gw.dataUrl,
      API_REGION: gw.region,
      AWS_REGION: gw.region,
      AWS_ACCESS_KEY_ID: caller.accessKeyId,
      AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
      AWS_SESSION_TOKEN: caller.sessionToken,
    });
    for (const line of run.logs) print(`  log: ${line}`);
    const expectedData = JSON.parse(plan.dataDocument) as Record<string, string>;
    if (run.ok) print(JSON.stringify(run.result, null, 2));
    record({
      what: "caller role runs the bundled handler",
      expected: `returns the ${Object.keys(expectedData).length} holidays of data.json`,
      actual: !run.ok ? `${run.error?.name}: ${run.error?.message}`
        : JSON.stringify(run.result) === JSON.stringify(expectedData) ? `returns the ${Object.keys(expectedData).length} holidays of data.json` : `returned something else: ${JSON.stringify(run.result).slice(0, 200)}`,
    });

    print("\n== 4. Denials ==");
    const unsigned = await fetch(gw.dataUrl);
    record({
      what: "unsigned GET (like a plain curl)",
      expected: "403 MissingAuthenticationTokenException: Missing Authentication Token",
      actual: `${unsigned.status} ${unsigned.headers.get("x-amzn-errortype")}: ${(await unsigned.json() as { message: string }).message}`,
    });
    for (const other of others) {
      if (other.expectAllowed) continue;
      record({
        what: `signed GET as ${other.label}`,
        expected: `403 AccessDeniedException: User: ${other.caller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${plan.methodArn}${plan.resourcePolicy.Statement.some((s) => s.Effect === "Deny" && s.Sid === "DenyUnlistedPrincipals") ? " with an explicit deny" : ""}`,
        actual: await denialOf(() => signer(gw, other)(gw.dataUrl)),
      });
    }
    record({
      what: "caller role with a tampered signature",
      expected: "403 InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      actual: await denialOf(() => signer(gw, caller, true)(gw.dataUrl)),
    });
  } finally {
    await gw.close();
  }

  const failed = outcomes.filter((o) => !ok(o));
  if (failed.length > 0) {
    print(`\n✘ ${failed.length} of ${outcomes.length} outcomes differ from what AWS would do:`);
    for (const f of failed) print(`  - ${f.what}\n      expected: ${f.expected}\n      actual:   ${f.actual}`);
    return 1;
  }
  print(`\nStory complete: all ${outcomes.length} outcomes as expected (no AWS, no network beyond 127.0.0.1, no Pulumi CLI).`);
  return 0;
}

if (require.main === module) {
  tellStory(process.argv.slice(2)).then((code) => process.exit(code), (err: Error) => {
    console.error(`npm start failed: ${err.stack ?? err.message}`);
    process.exit(1);
  });
}
