/**
 * The private API on the offline twin (holidays-api:endpointType private): the story passes and names
 * the endpoint; each link of the network broken by a resource transform (never a switch in the program)
 * makes `npm start` exit 1 and `npm run verify -- --local` fail, each naming the link.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { tellStory } from "../../twin/story";
import { verify } from "../../verify/cli";
import { localTarget } from "../../verify/local";

const PRIVATE = ["--set", "holidays-api:endpointType=private"];
type Props = Record<string, unknown>;
const transformOf =
  (type: string, change: (props: Props) => Props): pulumi.ResourceTransform =>
  ({ type: t, props }) =>
    t === type ? { props: change(props as Props), opts: {} } : undefined;

/** The resource policy's aws:SourceVpce lists another endpoint than the program's. */
const endpointMissingFromPolicy = transformOf("aws:apigateway/restApiPolicy:RestApiPolicy", (p) => ({
  ...p,
  policy: String(p.policy).replace(/vpce-[0-9a-f]{17}/g, "vpce-0aaaaaaaaaaaaaaaa"),
}));
/** The endpoint policy names another API's method ARNs. */
const endpointPolicyForAnotherApi = transformOf("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", (p) => ({
  ...p,
  policy: String(p.policy).replace(/(:execute-api:[a-z0-9-]+:\d{12}:)[a-z0-9]+\//g, "$1zzzzzzzzzz/"),
}));
/** The caller Lambda without vpcConfig: outside the VPC. */
const lambdaOutsideVpc = transformOf("aws:lambda/function:Function", (p) => {
  const rest = { ...p };
  delete rest.vpcConfig;
  return rest;
});

async function story(transforms: pulumi.ResourceTransform[] = []): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await tellStory(PRIVATE, (t) => (out += `${t}\n`), { transforms });
  return { code, out };
}

async function verifyPrivate(transforms: pulumi.ResourceTransform[] = []): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await verify(["--local", ...PRIVATE], (t) => lines.push(t), {
    target: (a) => localTarget(a.stack, { transforms }, { overrides: a.overrides }),
  });
  return { code, out: lines.join("\n") };
}

interface Break {
  what: string;
  transform: pulumi.ResourceTransform;
  /** What npm start prints as the broken link. */
  storyLink: RegExp;
  /** What verify names. */
  verifyLink: RegExp;
}

// Expected from AWS's rules, not from the twin: a Deny on aws:SourceVpce that lists another endpoint
// refuses the caller explicitly; an endpoint policy must allow too, and one for another API does not;
// a PRIVATE API reached other than through an endpoint is 403 ForbiddenException (docs/private-api-twin.md).
const BREAKS: Break[] = [
  {
    what: "the endpoint id missing from the resource policy",
    transform: endpointMissingFromPolicy,
    storyLink: /broken link: authorization — resource policy Deny \(DenyOutsideVpcEndpoints\)/,
    verifyLink:
      /broken link: API resource policy, account A: endpoint vpce-[0-9a-f]{17} is not among the endpoints its aws:SourceVpce Deny lets through/,
  },
  {
    what: "an endpoint policy for another API",
    transform: endpointPolicyForAnotherApi,
    storyLink: /broken link: VPC endpoint policy vpce-[0-9a-f]{17} — Neither/,
    verifyLink:
      /broken link: VPC endpoint policy, account B, or API resource policy, account A: one of them does not allow the caller role/,
  },
  {
    what: "a Lambda outside the VPC",
    transform: lambdaOutsideVpc,
    storyLink:
      /broken link: network — the API is PRIVATE and the request did not come through a VPC endpoint\n\s+network: function caller-fn-\w+ has no vpcConfig/,
    verifyLink: /broken link: caller → API: the API is PRIVATE and the Lambda's call does not come through the VPC endpoint/,
  },
];

describe("offline twin: the private API (endpointType private)", function () {
  this.timeout(120_000);

  it("npm start tells the private story, names the endpoint, and exits 0", async () => {
    const { code, out } = await story();
    assert.equal(code, 0, out);
    const endpoint = /VPC endpoint (vpce-[0-9a-f]{17}) \(vpc-[0-9a-f]{17}\) at http:\/\/127\.0\.0\.1:\d+\/dev/.exec(out)?.[1];
    assert.ok(endpoint, out);
    // The bundle runs where its declared vpcConfig leads: the VPC, then the endpoint with private DNS.
    assert.match(
      out,
      new RegExp(`network: vpcConfig subnets subnet-[0-9a-f]{17}, subnet-[0-9a-f]{17} → VPC vpc-[0-9a-f]{17} → endpoint ${endpoint}`),
    );
    assert.match(
      out,
      new RegExp(`✔ caller role runs the bundled handler \\(in its VPC, through ${endpoint}\\)\\n\\s+expected: returns the 94 holidays`),
    );
    assert.match(out, new RegExp(`✔ caller role through ${endpoint}\\n\\s+expected: 200 application/json`));
    assert.match(out, /✔ caller role from outside the VPC \(no endpoint\)\n\s+expected: 403 ForbiddenException: Forbidden/);
    assert.match(
      out,
      /✔ caller role through vpce-0ffffffffffffffff — an endpoint the program did NOT declare[^\n]*\n\s+expected: 403 AccessDeniedException: [^\n]* with an explicit deny/,
    );
    assert.match(
      out,
      /✔ caller role through vpce-[0-9a-f]{17} for another API[^\n]*\n\s+expected: 403 AccessDeniedException: [^\n]*:b0therap1d\/dev\/GET\/api\/v1\/data\.json — /,
    );
    assert.match(out, /Story complete: all \d+ outcomes as expected/);
  });

  it("npm run verify -- --local passes on the private stack", async () => {
    const { code, out } = await verifyPrivate();
    assert.equal(code, 0, out);
    assert.match(out, /✔ the API's endpoint type is PRIVATE \(GetRestApi endpointConfiguration\)\n\s+→ types \["PRIVATE"\]/);
    assert.match(
      out,
      /✔ endpoint (vpce-[0-9a-f]{17}) is in the live resource policy[^\n]*\n\s+→ Deny unless aws:SourceVpce is one of \["\1"\]/,
    );
    assert.match(
      out,
      /✔ caller Lambda caller-fn-\w+ in account B returns the holidays of [^\n]* \(in vpc-[0-9a-f]{17}, through vpce-[0-9a-f]{17}\)/,
    );
    assert.match(out, /✔ unsigned GET of dataUrl from outside the VPC is refused \(PRIVATE API\)\n\s+→ 403 ForbiddenException: Forbidden/);
  });

  for (const b of BREAKS) {
    it(`${b.what}: npm start exits 1 naming the link`, async () => {
      const { code, out } = await story([b.transform]);
      assert.equal(code, 1, out);
      assert.match(out, /✘ caller role runs the bundled handler/);
      assert.match(out, b.storyLink);
    });

    it(`${b.what}: npm run verify -- --local fails naming the link`, async () => {
      const { code, out } = await verifyPrivate([b.transform]);
      assert.equal(code, 1, out);
      assert.match(out, b.verifyLink);
    });
  }
});
