/** lib/api: the routes, their S3 keys, method-ARN paths, parameter mappings, responses and objects, as data. */
import { strict as assert } from "node:assert";
import {
  DATA_ROUTE,
  RESPONSES,
  ROUTES,
  YEAR_ROUTE,
  dataObjects,
  integrationRequestParameters,
  integrationResponseParameters,
  matchRoute,
  methodArnPath,
  methodRequestParameters,
  methodResponseParameters,
  pathSegments,
  s3IntegrationUri,
  s3KeyFor,
} from "../../lib/api";

describe("api: routes as data", () => {
  it("serves exactly GET /api/v1/data.json and GET /api/v1/{year}/data.json", () => {
    assert.deepEqual(
      ROUTES.map((r) => r.resourcePath),
      ["/api/v1/data.json", "/api/v1/{year}/data.json"],
    );
    assert.deepEqual(pathSegments(YEAR_ROUTE.resourcePath), ["api", "v1", "{year}", "data.json"]);
  });

  it("matches request paths like API Gateway: a literal segment, or one whole non-empty segment for {year}", () => {
    const m = (p: string) => {
      const r = matchRoute(p, ROUTES);
      return r && [r.route.id, Object.fromEntries(r.params)];
    };
    assert.deepEqual(m("/api/v1/data.json"), ["data", {}]);
    assert.deepEqual(m("/api/v1/2026/data.json"), ["year", { year: "2026" }]);
    // Any segment value reaches the integration; S3 then decides (no such object → 404).
    assert.deepEqual(m("/api/v1/1969/data.json"), ["year", { year: "1969" }]);
    assert.deepEqual(m("/api/v1/abc/data.json"), ["year", { year: "abc" }]);
    assert.deepEqual(m("/api/v1/20%32%36/data.json"), ["year", { year: "2026" }], "the value is percent-decoded");
    for (const none of [
      "/api/v1",
      "/api/v1/",
      "/api/v1/2026",
      "/api/v1//data.json",
      "/api/v1/2026/data.json/",
      "/api/v2/data.json",
      "/api/v1/2026/x/data.json",
      "/api/v1/%E0%A4%A/data.json",
    ]) {
      assert.equal(matchRoute(none, ROUTES), undefined, none);
    }
  });

  it("keeps path parameters in a prototype-free map", () => {
    const r = matchRoute("/api/v1/__proto__/data.json", ROUTES);
    assert.equal(r?.params.get("year"), "__proto__");
    assert.equal(matchRoute("/api/v1/constructor/data.json", ROUTES)?.params.get("year"), "constructor");
  });

  it("maps each route to its S3 key", () => {
    assert.equal(s3KeyFor(DATA_ROUTE, new Map()), "api/v1/data.json");
    assert.equal(s3KeyFor(YEAR_ROUTE, new Map([["year", "2026"]])), "api/v1/2026/data.json");
    assert.throws(() => s3KeyFor(YEAR_ROUTE, new Map()), /needs path parameter year/);
  });

  it("grants a path parameter as one `*` in the method ARN path, nothing else", () => {
    assert.equal(methodArnPath(DATA_ROUTE), "api/v1/data.json");
    assert.equal(methodArnPath(YEAR_ROUTE), "api/v1/*/data.json");
  });

  it("declares {year} required and If-None-Match optional, and maps both into the integration request", () => {
    assert.deepEqual(methodRequestParameters(YEAR_ROUTE), {
      "method.request.path.year": true,
      "method.request.header.If-None-Match": false,
    });
    assert.deepEqual(integrationRequestParameters(YEAR_ROUTE), {
      "integration.request.path.year": "method.request.path.year",
      "integration.request.header.If-None-Match": "method.request.header.If-None-Match",
    });
    assert.deepEqual(methodRequestParameters(DATA_ROUTE), { "method.request.header.If-None-Match": false });
    assert.deepEqual(integrationRequestParameters(DATA_ROUTE), {
      "integration.request.header.If-None-Match": "method.request.header.If-None-Match",
    });
  });

  it("puts the {year} placeholder into the S3 integration URI, which the path parameter fills", () => {
    assert.equal(
      s3IntegrationUri("ap-northeast-1", "bkt", YEAR_ROUTE.s3Key),
      "arn:aws:apigateway:ap-northeast-1:s3:path/bkt/api/v1/{year}/data.json",
    );
    assert.equal(s3IntegrationUri("cn-north-1", "bkt", DATA_ROUTE.s3Key), "arn:aws-cn:apigateway:cn-north-1:s3:path/bkt/api/v1/data.json");
  });

  it("passes ETag and Last-Modified through on 200 and 304, and hides S3 errors behind bodies that name no bucket", () => {
    const byStatus = new Map(RESPONSES.map((r) => [r.statusCode, r]));
    assert.deepEqual([...byStatus.keys()], ["200", "304", "404", "502"]);
    assert.deepEqual(integrationResponseParameters(byStatus.get("200")!), {
      "method.response.header.Content-Type": "integration.response.header.Content-Type",
      "method.response.header.ETag": "integration.response.header.ETag",
      "method.response.header.Last-Modified": "integration.response.header.Last-Modified",
    });
    assert.equal(byStatus.get("200")!.selectionPattern, undefined, "200 is the default response");
    assert.equal(byStatus.get("304")!.selectionPattern, "304");
    assert.equal(byStatus.get("304")!.template, undefined, "a 304 has no body");
    assert.deepEqual(methodResponseParameters(byStatus.get("304")!), {
      "method.response.header.ETag": true,
      "method.response.header.Last-Modified": true,
    });
    assert.equal(byStatus.get("404")!.template, '{"message":"Not Found"}');
    assert.equal(byStatus.get("502")!.template, '{"message":"Bad Gateway"}');
    // Selection patterns are matched against S3's whole status code.
    const select = (status: string) =>
      RESPONSES.find((r) => r.selectionPattern !== undefined && new RegExp(`^(?:${r.selectionPattern})$`).test(status))?.statusCode ??
      "200";
    assert.deepEqual(["200", "304", "403", "404", "412", "500", "503"].map(select), ["200", "304", "404", "404", "404", "502", "502"]);
  });

  describe("dataObjects", () => {
    const objects = dataObjects({ years: [2025, 2026], names: "dataset" });

    it("holds data.json with the configured years, then one object per dataset year (1970-2050)", () => {
      assert.equal(objects.length, 1 + 81);
      assert.equal(objects[0].key, "api/v1/data.json");
      assert.deepEqual([...new Set(Object.keys(JSON.parse(objects[0].body) as object).map((d) => d.slice(0, 4)))], ["2025", "2026"]);
      assert.equal(objects[1].key, "api/v1/1970/data.json");
      assert.equal(objects.at(-1)?.key, "api/v1/2050/data.json");
      const y2026 = objects.find((o) => o.key === "api/v1/2026/data.json");
      assert.equal(y2026?.year, 2026);
      const doc = JSON.parse(y2026!.body) as Record<string, string>;
      assert.equal(doc["2026-09-22"], "休日");
      assert.ok(Object.keys(doc).every((d) => d.startsWith("2026-")));
    });

    it("names substitute holidays per the naming option in every object", () => {
      const office = dataObjects({ years: [2025], names: "cabinetOffice" });
      assert.equal((JSON.parse(office[0].body) as Record<string, string>)["2025-02-24"], "休日");
      assert.equal((JSON.parse(objects[0].body) as Record<string, string>)["2025-02-24"], "天皇誕生日 振替休日");
      const o2024 = office.find((o) => o.year === 2024)!;
      assert.equal((JSON.parse(o2024.body) as Record<string, string>)["2024-02-12"], "休日");
    });
  });
});
