/**
 * The gateway's VPC endpoint listeners (twin/gateway/endpoints.ts), from what the private stack declares:
 * one listener per declared endpoint, listed in the contract; what a request there carries in its IAM
 * request context; the API's own name as private DNS resolves it; another API named by Host; and what
 * a regional stack gets (no listener). Expected outcomes are AWS's documented rules, stated here.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import * as http from "node:http";
import { RunningGateway, contractLine, startGateway } from "../../twin/gateway/server";
import { buildPlan } from "../../twin/plan";
import { send, sign } from "../../tools/testkit/http";

const PRIVATE = { "holidays-api:endpointType": "private" };

/** A statement added to the API's resource policy by a resource transform (nothing in the program changes). */
const addStatement =
  (statement: Record<string, unknown>): pulumi.ResourceTransform =>
  ({ type, props }) => {
    if (type !== "aws:apigateway/restApiPolicy:RestApiPolicy") return undefined;
    const doc = JSON.parse(String(props.policy)) as { Statement: Record<string, unknown>[] };
    const resource = doc.Statement[0].Resource;
    doc.Statement.push({ ...statement, Principal: "*", Action: "execute-api:Invoke", Resource: resource });
    return { props: { ...props, policy: JSON.stringify(doc) }, opts: {} };
  };

/** GET over a socket to `connectPort`, signed for (and sending) `url`'s host: what --connect-to does. */
async function getVia(gw: RunningGateway, url: string, connectPort: number): Promise<{ status: number; type?: string; body: string }> {
  const headers = await sign(url, gw.identities[0], { region: gw.region });
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: connectPort, path: u.pathname, headers: { ...headers, host: u.host }, agent: false },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["x-amzn-errortype"] as string | undefined, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function withGateway<T>(gwp: Promise<RunningGateway>, fn: (gw: RunningGateway) => Promise<T>): Promise<T> {
  const gw = await gwp;
  try {
    return await fn(gw);
  } finally {
    await gw.close();
  }
}

describe("gateway: one listener per declared VPC endpoint", function () {
  this.timeout(60_000);

  it("a regional stack declares no endpoint: no extra listener, an empty list in the contract", async () => {
    await withGateway(buildPlan("dev").then(startGateway), async (gw) => {
      assert.deepEqual(gw.endpoints, []);
      assert.deepEqual((JSON.parse(contractLine(gw)) as { endpoints: unknown }).endpoints, []);
    });
  });

  it("a private stack: the declared endpoint's listener is in the contract with its id, VPC and the API's name", async () => {
    const plan = await buildPlan("dev", PRIVATE);
    await withGateway(startGateway(plan), async (gw) => {
      const declared = plan.run.resources.find((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
      assert.ok(declared);
      const [e] = (JSON.parse(contractLine(gw)) as { endpoints: { id: string; vpcId: string; url: string; apiHost: string }[] }).endpoints;
      assert.deepEqual([e.id, e.vpcId], [declared.id, declared.inputs.vpcId]);
      assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+\/dev$/);
      assert.equal(e.apiHost, `${plan.declared.api.restApiId}.execute-api.${plan.region}.amazonaws.com`);
    });
  });

  it("the API's own name, sent to the endpoint's listener (private DNS), is served; to the main listener it is refused", async () => {
    const plan = await buildPlan("dev", PRIVATE);
    await withGateway(startGateway(plan), async (gw) => {
      const port = Number(new URL(gw.endpoints[0].url).port);
      const name = `http://${plan.declared.api.restApiId}.execute-api.${plan.region}.amazonaws.com/dev/api/v1/data.json`;
      assert.equal((await getVia(gw, name, port)).status, 200);
      // The main listener answers only its own address: any other Host names no API there.
      const outside = await getVia(gw, name, Number(new URL(gw.url).port));
      assert.deepEqual([outside.status, outside.type], [403, "ForbiddenException"]);
    });
  });

  it("Host naming another API, through the endpoint: the endpoint policy (this API's methods only) refuses it", async () => {
    const plan = await buildPlan("dev", PRIVATE);
    await withGateway(startGateway(plan), async (gw) => {
      const port = Number(new URL(gw.endpoints[0].url).port);
      const r = await getVia(gw, `http://b0therap1d.execute-api.${plan.region}.amazonaws.com/dev/api/v1/data.json`, port);
      assert.equal(r.status, 403);
      assert.equal(r.type, "AccessDeniedException");
      assert.match(r.body, /on resource: arn:aws:execute-api:ap-northeast-1:111111111111:b0therap1d\/dev\/GET\/api\/v1\/data\.json"/);
    });
  });

  // IAM User Guide, "AWS global condition context keys": through a VPC endpoint the request carries
  // aws:SourceVpce, aws:SourceVpc and aws:VpcSourceIp, and not aws:SourceIp. Each is shown by a Deny that
  // holds only if the key is there with that value.
  const contextCases: { what: string; statement: Record<string, unknown>; status: number }[] = [
    {
      what: "aws:SourceIp is absent (a Deny on IpAddress aws:SourceIp 127.0.0.0/8 does not hold)",
      statement: { Sid: "T", Effect: "Deny", Condition: { IpAddress: { "aws:SourceIp": ["127.0.0.0/8"] } } },
      status: 200,
    },
    {
      what: "aws:VpcSourceIp is the caller's address (a Deny on IpAddress aws:VpcSourceIp 127.0.0.0/8 holds)",
      statement: { Sid: "T", Effect: "Deny", Condition: { IpAddress: { "aws:VpcSourceIp": ["127.0.0.0/8"] } } },
      status: 403,
    },
    {
      what: "aws:SourceVpc is the endpoint's VPC (a Deny on StringLike aws:SourceVpc vpc-* holds)",
      statement: { Sid: "T", Effect: "Deny", Condition: { StringLike: { "aws:SourceVpc": ["vpc-*"] } } },
      status: 403,
    },
  ];
  for (const c of contextCases) {
    it(`through the endpoint, ${c.what}`, async () => {
      const plan = await buildPlan("dev", PRIVATE, { transforms: [addStatement(c.statement)] });
      await withGateway(startGateway(plan), async (gw) => {
        const url = gw.endpoints[0].url + "/api/v1/data.json";
        const r = await send(url, { headers: await sign(url, gw.identities[0], { region: gw.region }) });
        assert.equal(r.status, c.status, r.body);
      });
    });
  }
});
