/**
 * The offline twin walks the declared integration: variants of the real program, each with one link of
 * the request path broken by a Pulumi resource transform (never a switch in production code), make the
 * gateway answer as AWS would, and make `npm start` exit 1 naming the broken link.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { brokenLink } from "../../twin/gateway/pipeline";
import { Answer } from "../../twin/gateway/pipeline";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { Plan, buildPlan } from "../../twin/plan";
import { tellStory } from "../../twin/story";
import { send, sign } from "../../tools/testkit/http";

type Props = Record<string, unknown>;
const transformOf =
  (type: string, change: (props: Props) => Props): pulumi.ResourceTransform =>
  ({ type: t, props }) =>
    t === type ? { props: change(props as Props), opts: {} } : undefined;

/** The trust policy with the confused-deputy conditions the program used to have (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479). */
const trustWithSourceAccount = transformOf("aws:iam/role:Role", (props) => {
  const doc = JSON.parse(String(props.assumeRolePolicy)) as { Statement: { Principal?: { Service?: string[] }; Condition?: unknown }[] };
  if (!doc.Statement.some((s) => s.Principal?.Service?.includes("apigateway.amazonaws.com"))) return props;
  for (const s of doc.Statement) s.Condition = { StringEquals: { "aws:SourceAccount": ["111111111111"] } };
  return { ...props, assumeRolePolicy: JSON.stringify(doc) };
});
const wrongKeyInUri = transformOf("aws:apigateway/integration:Integration", (props) => ({
  ...props,
  uri: String(props.uri).replace(/data\.json$/, "date.json"),
}));
const roleWithoutGetObject = transformOf("aws:iam/rolePolicy:RolePolicy", (props) => ({
  ...props,
  policy: String(props.policy).replace(/"s3:GetObject"/g, '"s3:GetObjectTagging"'),
}));
const bucketPolicyDenies = transformOf("aws:s3/bucketPolicy:BucketPolicy", (props) => {
  const doc = JSON.parse(String(props.policy)) as { Statement: Record<string, unknown>[] };
  const arn = String((doc.Statement[0].Resource as string[])[0]);
  doc.Statement.push({ Sid: "DenyAllReads", Effect: "Deny", Principal: "*", Action: ["s3:GetObject"], Resource: [`${arn}/*`] });
  return { ...props, policy: JSON.stringify(doc) };
});

interface Variant {
  what: string;
  transform: pulumi.ResourceTransform;
  status: number;
  body: unknown;
  link: RegExp;
}

// Expected answers, each from AWS's documented behaviour, not from the twin:
// - AssumeRole denied is a configuration error: 500 {"message": "Internal server error"} (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479);
// - S3 answers 403 AccessDenied for a denied GetObject, and for a missing key when the role may not
//   s3:ListBucket (GetObject, Amazon S3 API reference); the program's integration responses map 4xx to
//   404 {"message": "Not Found"} (lib/api RESPONSES, selectionPattern 4\d{2}).
const VARIANTS: Variant[] = [
  {
    what: "the trust policy with aws:SourceAccount added back",
    transform: trustWithSourceAccount,
    status: 500,
    body: { message: "Internal server error" },
    link: /^AssumeRole holidays-s3-read-/,
  },
  {
    what: "a wrong key in the integration URI",
    transform: wrongKeyInUri,
    status: 404,
    body: { message: "Not Found" },
    link: /^s3:GetObject api\/v1\/date\.json$/,
  },
  {
    what: "the role without s3:GetObject",
    transform: roleWithoutGetObject,
    status: 404,
    body: { message: "Not Found" },
    link: /^s3:GetObject api\/v1\/data\.json$/,
  },
  {
    what: "a bucket policy that denies",
    transform: bucketPolicyDenies,
    status: 404,
    body: { message: "Not Found" },
    link: /^s3:GetObject api\/v1\/data\.json$/,
  },
];

async function withGateway<T>(plan: Plan, fn: (gw: RunningGateway, answers: Answer[]) => Promise<T>): Promise<T> {
  const answers: Answer[] = [];
  const gw = await startGateway(plan, { onAnswer: (_req, a) => answers.push(a) });
  try {
    return await fn(gw, answers);
  } finally {
    await gw.close();
  }
}

const callAsCaller = async (gw: RunningGateway) => {
  const caller = gw.identities[0];
  return send(gw.dataUrl, { headers: await sign(gw.dataUrl, caller, { region: gw.region }) });
};

describe("offline twin: the whole request path, integration included", function () {
  this.timeout(60_000);

  it("serves data.json through the declared integration, printing each link", async () => {
    const plan = await buildPlan("dev");
    await withGateway(plan, async (gw, answers) => {
      const r = await callAsCaller(gw);
      assert.equal(r.status, 200);
      assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
      assert.deepEqual(JSON.parse(r.body), JSON.parse(plan.dataDocument));
      assert.deepEqual(
        answers[0].path?.map((s) => [s.link.replace(/-[0-9a-f]{7}$/, ""), s.ok]),
        [
          ["SigV4", true],
          ["authorization", true],
          ["integration", true],
          ["AssumeRole holidays-s3-read", true],
          ["s3:GetObject api/v1/data.json", true],
        ],
      );
    });
  });

  it("reads the object from the declared S3 object, not from a copy: changing the object's content changes the answer", async () => {
    const plan = await buildPlan(
      "dev",
      {},
      { transforms: [transformOf("aws:s3/bucketObjectv2:BucketObjectv2", (p) => ({ ...p, content: '{"2099-01-01":"x"}' }))] },
    );
    await withGateway(plan, async (gw) => assert.deepEqual(JSON.parse((await callAsCaller(gw)).body), { "2099-01-01": "x" }));
  });

  for (const v of VARIANTS) {
    it(`${v.what}: answers ${v.status} ${JSON.stringify(v.body)}, naming the broken link`, async () => {
      const plan = await buildPlan("dev", {}, { transforms: [v.transform] });
      await withGateway(plan, async (gw, answers) => {
        const r = await callAsCaller(gw);
        assert.deepEqual([r.status, JSON.parse(r.body)], [v.status, v.body]);
        const link = brokenLink(answers[0]);
        assert.match(String(link?.link), v.link);
      });
    });

    it(`${v.what}: npm start exits 1 and names the broken link`, async () => {
      let out = "";
      const code = await tellStory([], (t) => (out += `${t}\n`), { transforms: [v.transform] });
      assert.equal(code, 1, out);
      assert.match(out, /✘ caller role runs the bundled handler/);
      assert.match(out, new RegExp(`broken link: ${v.link.source.replace(/^\^/, "").replace(/\$$/, "")}`));
    });
  }

  it("answers 500 when the method has no integration (a configuration error)", async () => {
    const plan = await buildPlan("dev");
    for (const m of plan.declared.api.methods.values()) m.integration = undefined;
    await withGateway(plan, async (gw, answers) => {
      const r = await callAsCaller(gw);
      assert.deepEqual([r.status, JSON.parse(r.body)], [500, { message: "Internal server error" }]);
      assert.equal(brokenLink(answers[0])?.link, "integration");
    });
  });

  it("refuses to model what it does not know (an HTTP integration) instead of guessing", async () => {
    const plan = await buildPlan(
      "dev",
      {},
      { transforms: [transformOf("aws:apigateway/integration:Integration", (p) => ({ ...p, type: "HTTP", uri: "https://example.com/" }))] },
    );
    await assert.rejects(startGateway(plan), /integration HTTP https:\/\/example\.com\/ is not modelled/);
  });
});
