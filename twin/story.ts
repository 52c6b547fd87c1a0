/**
 * `npm start`: the two-account story offline (plan → gateway → the real bundled caller → one request per scenario),
 * each outcome expected from the settings (twin/expectations.ts); exits 1 naming the broken link on any difference.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import * as path from "node:path";
import type { Settings } from "../lib/config";
import { cidrContains, parseStandardCidr } from "../lib/iam/cidr";
import { holidaysDocument } from "../lib/holidays";
import { accessDeniedMessage } from "../lib/iam/evaluate";
import { writeCallerBundle } from "../lambda/bundle";
import { Answer, brokenLink, createPipeline, renderPath } from "./gateway/pipeline";
import { RunningGateway, startGateway } from "./gateway/server";
import { LOOPBACK_SOURCE, LocalIdentity, expectationFor } from "./identities";
import { invokeBundle, lambdaEnvironment } from "./lambdaRuntime";
import { STACK_OPTIONS, parseCommandLine, runMain, stackArgs } from "../tools/cli/args";
import { Plan, buildPlan, isProgramError, renderPlan } from "./plan";
import { Reply, isLoopbackSource, sendGet } from "./storyRequests";
import { UNDECLARED_ENDPOINT, callerReach, expectWithNetwork, expectedReply, privateScenarios } from "./privateStory";

interface Outcome {
  what: string;
  expected: string;
  /** Why that is what AWS would answer. */
  reason: string;
  actual: string;
  /** The path the request took through the gateway, when it reached it. */
  answer?: Answer;
  /** What the setup says about the broken link beyond the gateway's path (e.g. where the Lambda's network leads). */
  note?: string;
}

const ok = (o: Outcome) => o.expected === o.actual;

export interface StoryOptions {
  /** Config overrides applied after `--set` (an undefined value deletes the key, e.g. accountB for single-account mode). */
  overrides?: Record<string, string | undefined>;
  /** Resource transforms applied to the program (tests break one link of the request path with them). */
  transforms?: pulumi.ResourceTransform[];
}

/** Sources the scenarios call from: one inside the allow list (or any, without one) and, with a list, one outside. */
function sources(settings: Settings): { inside: string; outside?: string; ipv6Inside?: string } {
  const cidrs = settings.sourceIpAllowList.map((c) => parseStandardCidr(c)).filter((c) => c !== undefined);
  if (cidrs.length === 0) return { inside: LOOPBACK_SOURCE };
  const inList = (ip: string) => cidrs.some((c) => cidrContains(c, ip));
  const loopbacks = ["127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.255.254"];
  const firstHost = (c: (typeof cidrs)[number]): string => {
    const bytes = c.address.toByteArray();
    if (c.prefix < bytes.length * 8) bytes[bytes.length - 1] |= 1;
    return ipaddr.fromByteArray(bytes).toString();
  };
  const v4 = cidrs.find((c) => c.address.kind() === "ipv4");
  const v6 = cidrs.find((c) => c.address.kind() === "ipv6");
  const inside = loopbacks.find(inList) ?? firstHost(v4 ?? cidrs[0]);
  const outside = loopbacks.find((ip) => !inList(ip)) ?? ["192.0.2.1", "198.51.100.1", "2001:db8:ffff::1"].find((ip) => !inList(ip));
  return { inside, outside, ipv6Inside: v6 ? firstHost(v6) : undefined };
}

function describeReply(r: Reply, expectedData: string): string {
  if (r.status === 200) {
    let same = false;
    try {
      same = JSON.stringify(JSON.parse(r.body)) === JSON.stringify(JSON.parse(expectedData));
    } catch {
      same = false;
    }
    return `200 ${r.contentType ?? ""}${same ? "" : " (a body other than data.json)"}`;
  }
  let message = r.body;
  try {
    const parsed = JSON.parse(r.body) as { message?: string; Message?: string };
    message = parsed.Message ?? parsed.message ?? r.body;
  } catch {
    /* keep the raw body */
  }
  return `${r.status} ${r.errorType ? `${r.errorType}: ` : ""}${message}`;
}

/** Tells the story with the given CLI arguments, printing through `print`; resolves to the exit code. */
export async function tellStory(args: string[], print: (text: string) => void = console.log, opts: StoryOptions = {}): Promise<number> {
  const { stack, overrides } = stackArgs(parseCommandLine(START_COMMAND, args).values);
  const outcomes: Outcome[] = [];
  const record = (o: Outcome) => {
    outcomes.push(o);
    print(
      `${ok(o) ? "✔" : "✘"} ${o.what}\n    expected: ${o.expected} — ${o.reason}\n    path:     ${o.answer ? renderPath(o.answer) : o.actual}`,
    );
  };

  const t0 = performance.now();
  const plan: Plan = await buildPlan(stack, [...overrides, ...Object.entries(opts.overrides ?? {})], { transforms: opts.transforms });
  const planMs = Math.round(performance.now() - t0);
  print(`== 1. Plan ==\n${renderPlan(plan)}\n(plan built in ${planMs} ms)\n`);

  const lastAnswer = new Map<string, Answer>();
  const keyOf = (headers: Record<string, string | string[] | undefined>) =>
    /Credential=([^/]+)\//.exec(String(headers.authorization ?? ""))?.[1] ?? "unsigned";
  const observe = (req: { headers: Record<string, string | string[] | undefined> }, a: Answer) => lastAnswer.set(keyOf(req.headers), a);
  const isPrivate = plan.settings.endpointType === "private";
  const gw: RunningGateway = await startGateway(plan, { onAnswer: observe, extraEndpoints: isPrivate ? [UNDECLARED_ENDPOINT] : [] });
  const pipeline = createPipeline(plan, gw.identities, undefined, observe);
  const expectedData = holidaysDocument(plan.settings.years);
  const holidayCount = Object.keys(JSON.parse(expectedData) as object).length;
  const { inside, outside, ipv6Inside } = sources(plan.settings);
  const where = (ip: string) => (isLoopbackSource(ip) ? `from ${ip}` : `from ${ip} (in-process: loopback cannot originate it)`);
  const okReply = `200 application/json; charset=utf-8`;
  const expectedFor = (who: LocalIdentity, sourceIp: string) => {
    const e = expectationFor(plan, who, sourceIp);
    return {
      // The outcome (allowed, explicit deny) is the independent expectation; only its wording is AWS's text.
      expected: e.allowed ? okReply : `403 AccessDeniedException: ${accessDeniedMessage(who.caller, plan.methodArn, e.explicitDeny)}`,
      reason: e.reason,
    };
  };
  const signedScenario = async (what: string, who: LocalIdentity, sourceIp: string) => {
    const reply = await sendGet({ url: gw.dataUrl, region: gw.region, who, sourceIp, pipeline });
    record({
      what: `${what} ${where(sourceIp)}`,
      ...expectedFor(who, sourceIp),
      actual: describeReply(reply, expectedData),
      answer: lastAnswer.get(who.accessKeyId),
    });
  };

  try {
    print(
      `== 2. Local execute-api gateway ==\nListening on ${gw.url} (127.0.0.1 only). It walks each request through what the program declares: method → SigV4 → resource + identity policy → integration → AssumeRole → s3:GetObject → responses.`,
    );
    for (const e of gw.endpoints)
      print(
        `  VPC endpoint ${e.id} (${e.vpcId}) at ${e.url}: a request there came through it (aws:SourceVpce, aws:SourceVpc; no aws:SourceIp)${e.undeclared ? ` — ${e.undeclared}` : ""}`,
      );
    for (const i of gw.identities)
      print(
        `  ${i.expectation.allowed ? "allowed" : "denied "}  ${i.caller.principalArn}${i.caller.orgId ? ` (${i.caller.orgId})` : ""}  — ${i.label}: ${i.expectation.reason}`,
      );

    const [caller, ...others] = gw.identities;
    const bundlePath = writeCallerBundle().path;
    // The function's declared network decides where its call to the API's name lands (twin/network.ts).
    const reach = callerReach(plan, gw);
    print(
      `\n== 3. The caller Lambda: ${path.relative(process.cwd(), bundlePath)} (the deployed bundle), as ${caller.caller.principalArn}, from ${LOOPBACK_SOURCE} ==`,
    );
    if (isPrivate || reach.via) print(`  network: ${reach.description}`);
    const run = await invokeBundle(bundlePath, lambdaEnvironment({ API_URL: reach.dataUrl, API_REGION: gw.region }, gw.region, caller));
    for (const line of run.logs) print(`  log: ${line}`);
    if (run.ok) print(JSON.stringify(run.result, null, 2));
    // Stated from the settings: with endpointType private the program runs the caller in its endpoint's VPC,
    // so its call should come through that endpoint (stack output vpcEndpointId), wherever it actually lands.
    const designedVia = isPrivate ? (plan.run.outputs.vpcEndpointId as string | undefined) : undefined;
    const callerExpectation = expectWithNetwork(plan, caller, { viaEndpoint: designedVia, forThisApi: true });
    const FORBIDDEN_RUN = "fails with 403 ForbiddenException (Forbidden)";
    record({
      what: `caller role runs the bundled handler${reach.via ? ` (in its VPC, through ${reach.via})` : ""}`,
      expected: callerExpectation.allowed
        ? `returns the ${holidayCount} holidays of data.json`
        : callerExpectation.forbidden
          ? FORBIDDEN_RUN
          : "fails with AccessDeniedError",
      reason: callerExpectation.reason,
      actual: run.ok
        ? JSON.stringify(run.result) === JSON.stringify(JSON.parse(expectedData))
          ? `returns the ${holidayCount} holidays of data.json`
          : `returned something else: ${JSON.stringify(run.result).slice(0, 200)}`
        : run.error?.name === "AccessDeniedError"
          ? "fails with AccessDeniedError"
          : /ForbiddenException \(HTTP 403\)[\s\S]*: Forbidden$/.test(run.error?.message ?? "")
            ? FORBIDDEN_RUN
            : `${run.error?.name}: ${run.error?.message}`,
      answer: lastAnswer.get(caller.accessKeyId),
      note: reach.via ? undefined : reach.description,
    });

    print("\n== 4. Requests, one per scenario ==");
    if (isPrivate) await privateRequests();
    else {
      const unsigned = await sendGet({ url: gw.dataUrl, region: gw.region, sourceIp: LOOPBACK_SOURCE, pipeline });
      record({
        what: "unsigned GET (like a plain curl)",
        expected: "403 MissingAuthenticationTokenException: Missing Authentication Token",
        reason: "AWS_IAM methods need a SigV4 signature",
        actual: describeReply(unsigned, expectedData),
        answer: lastAnswer.get("unsigned"),
      });
      if (inside !== LOOPBACK_SOURCE) await signedScenario("caller role, inside the allow list,", caller, inside);
      if (ipv6Inside) await signedScenario("caller role over IPv6, inside the allow list (the endpoint is dualstack),", caller, ipv6Inside);
      if (outside) await signedScenario("caller role, outside the allow list,", caller, outside);
      for (const other of others) await signedScenario(`signed GET as ${other.label},`, other, inside);
      const tampered = await sendGet({
        url: gw.dataUrl,
        region: gw.region,
        who: caller,
        sourceIp: LOOPBACK_SOURCE,
        pipeline,
        tamper: true,
      });
      record({
        what: "caller role with a tampered signature",
        expected:
          "403 InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        reason: "SigV4 is checked before any policy",
        actual: describeReply(tampered, expectedData),
        answer: lastAnswer.get(caller.accessKeyId),
      });
    }
  } finally {
    await gw.close();
  }
  return summaryOf(outcomes, print);

  /** Section 4 of the private story: the network scenarios, then the unsigned and tampered requests through the endpoint. */
  async function privateRequests(): Promise<void> {
    const scenarios = privateScenarios(plan, gw);
    for (const s of scenarios) {
      const e = expectWithNetwork(plan, s.who, s.net);
      const reply = await sendGet({
        url: s.url,
        region: gw.region,
        who: s.who,
        sourceIp: LOOPBACK_SOURCE,
        pipeline,
        extraHeaders: s.extraHeaders,
      });
      record({
        what: s.what,
        expected: expectedReply(s.who, s.resource, e, okReply),
        reason: e.reason,
        actual: describeReply(reply, expectedData),
        answer: lastAnswer.get(s.who.accessKeyId),
      });
    }
    const own = scenarios.find((s) => s.net.viaEndpoint && s.net.forThisApi && s.who === gw.identities[0]);
    if (!own) return;
    const unsigned = await sendGet({ url: own.url, region: gw.region, sourceIp: LOOPBACK_SOURCE, pipeline });
    record({
      what: `unsigned GET through ${own.net.viaEndpoint} (like a plain curl inside the VPC)`,
      expected: `403 AccessDeniedException: User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${plan.methodArn}`,
      reason: "the endpoint policy is evaluated first, an unsigned request as the anonymous user, and it names only the caller role",
      actual: describeReply(unsigned, expectedData),
      answer: lastAnswer.get("unsigned"),
    });
    const tampered = await sendGet({ url: own.url, region: gw.region, who: own.who, sourceIp: LOOPBACK_SOURCE, pipeline, tamper: true });
    record({
      what: `caller role with a tampered signature, through ${own.net.viaEndpoint}`,
      expected:
        "403 InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      reason: "an invalid signature is denied before any policy grants anything",
      actual: describeReply(tampered, expectedData),
      answer: lastAnswer.get(own.who.accessKeyId),
    });
  }
}

function summaryOf(outcomes: Outcome[], print: (text: string) => void): number {
  const failed = outcomes.filter((o) => !ok(o));
  if (failed.length > 0) {
    print(`\n✘ ${failed.length} of ${outcomes.length} outcomes differ from what AWS would do:`);
    for (const f of failed) {
      const link = f.answer ? brokenLink(f.answer) : undefined;
      print(
        `  - ${f.what}\n      expected: ${f.expected} (${f.reason})\n      actual:   ${f.actual}${link ? `\n      broken link: ${link.link}${link.detail ? ` — ${link.detail}` : ""}` : ""}${f.note ? `\n      network: ${f.note}` : ""}`,
      );
    }
    return 1;
  }
  print(`\nStory complete: all ${outcomes.length} outcomes as expected (no AWS, no network beyond 127.0.0.1, no Pulumi CLI).`);
  return 0;
}

export const START_COMMAND = {
  command: "npm start",
  summary:
    "The whole two-account story offline: the plan under Pulumi mocks, the loopback execute-api gateway, the deployable caller bundle as the allowed role, and the denials. Exits 0 only if every outcome is what AWS would do.",
  options: STACK_OPTIONS,
  examples: [
    "npm start",
    "npm start -- --set holidays-api:exclusive=false",
    "npm start -- --set holidays-api:accountB=   # single-account mode",
  ],
};

if (require.main === module) {
  runMain(START_COMMAND, () => tellStory(process.argv.slice(2)), { isExpected: isProgramError });
}
