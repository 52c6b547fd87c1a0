/**
 * The API's shape as data: its routes, the S3 object behind each, the integration URI, request
 * parameter mappings and the response table. Pure: the HolidaysApi component wires these into
 * resources, and the offline twin reads the same resources back.
 */
import { partitionOf } from "./arn";
import { DATASET_YEARS, HOLIDAYS_PATH, HolidayNames, holidaysDocument } from "./holidays";

/** The one HTTP method the API serves. */
export const HTTP_METHOD = "GET";

/** One GET route: an API Gateway resource path and the S3 key template it reads. */
export interface Route {
  /** Short stable id; components name resources after it. */
  id: "data" | "year";
  /** The API Gateway resource path, `{name}` marking a path parameter. */
  resourcePath: string;
  /** The S3 key read for it; `{name}` is filled from the same-named path parameter. */
  s3Key: string;
  /** Path parameters, in path order (each is one whole segment). */
  pathParameters: readonly string[];
}

/** `GET /api/v1/data.json`: the configured years (the seed's path). */
export const DATA_ROUTE: Route = Object.freeze({
  id: "data",
  resourcePath: `/${HOLIDAYS_PATH}`,
  s3Key: HOLIDAYS_PATH,
  pathParameters: Object.freeze([]),
});
/** `GET /api/v1/{year}/data.json`: one dataset year, one S3 object per year. */
export const YEAR_ROUTE: Route = Object.freeze({
  id: "year",
  resourcePath: "/api/v1/{year}/data.json",
  s3Key: "api/v1/{year}/data.json",
  pathParameters: Object.freeze(["year"]),
});
/** Every route the API serves, in the order they are declared. */
export const ROUTES: readonly Route[] = Object.freeze([DATA_ROUTE, YEAR_ROUTE]);

const PARAM = /^\{([A-Za-z0-9_]+)\}$/;

/** The path segments of a route's resource path, each one an `aws.apigateway.Resource` (`{year}` included). */
export function pathSegments(resourcePath: string = DATA_ROUTE.resourcePath): string[] {
  return resourcePath.split("/").filter((s) => s !== "");
}

/** The S3 key of one object behind a route, its path parameters filled in. */
export function s3KeyFor(route: Route, params: ReadonlyMap<string, string>): string {
  return route.s3Key.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    const value = params.get(name);
    if (value === undefined) throw new Error(`s3KeyFor: ${route.resourcePath} needs path parameter ${name}`);
    return value;
  });
}

/**
 * The resource-path part of a route's method ARN, each path parameter as `*` (`api/v1/*\/data.json`): API
 * Gateway authorizes the path as called ("IAM policy examples for API execution permissions").
 */
export function methodArnPath(route: Route): string {
  return pathSegments(route.resourcePath)
    .map((s) => (PARAM.test(s) ? "*" : s))
    .join("/");
}

/** The S3 key pattern a route reads, each path parameter as `*` (`api/v1/*\/data.json`): what the read role is granted. */
export function s3KeyPattern(route: Route): string {
  return pathSegments(route.s3Key)
    .map((s) => (PARAM.test(s) ? "*" : s))
    .join("/");
}

/** A request path (after the stage) matched to a route, with its path parameters (prototype-free). */
export interface RouteMatch<R extends { resourcePath: string }> {
  route: R;
  params: Map<string, string>;
}

/**
 * The route API Gateway selects for a path: a literal segment beats a `{param}`, which takes one whole
 * non-empty, percent-decoded segment ("Set up a method request in API Gateway": path parameters).
 */
export function matchRoute<R extends { resourcePath: string }>(path: string, routes: readonly R[]): RouteMatch<R> | undefined {
  return routeMatcher(routes)(path);
}

/** One route's segments, split once: a literal to compare, or the name of the parameter it binds. */
type CompiledPart = { literal: string } | { param: string };

/**
 * {@link matchRoute} with the routes split and ordered once (literal segments before parameters,
 * position by position), for a caller that matches many paths against the same routes.
 */
export function routeMatcher<R extends { resourcePath: string }>(routes: readonly R[]): (path: string) => RouteMatch<R> | undefined {
  const compiled = routes
    .map((route) => {
      const parts = pathSegments(route.resourcePath);
      return {
        route,
        rank: literalRank(parts),
        parts: parts.map((p): CompiledPart => {
          const name = PARAM.exec(p)?.[1];
          return name === undefined ? { literal: p } : { param: name };
        }),
      };
    })
    .sort((a, b) => b.rank - a.rank);
  return (path) => {
    const segments = path.split("/");
    if (segments[0] === "") segments.shift();
    if (segments.includes("")) return undefined;
    for (const { route, parts } of compiled) {
      if (parts.length !== segments.length) continue;
      const params = new Map<string, string>();
      let ok = true;
      for (let i = 0; ok && i < parts.length; i++) {
        const part = parts[i];
        if ("literal" in part) ok = part.literal === segments[i];
        else {
          const value = decodeSegment(segments[i]);
          ok = value !== undefined && value !== "";
          if (ok) params.set(part.param, value as string);
        }
      }
      if (ok) return { route, params };
    }
    return undefined;
  };
}

function literalRank(parts: readonly string[]): number {
  return parts.reduce((rank, p, i) => rank + (PARAM.test(p) ? 0 : 2 ** (parts.length - i)), 0);
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * `arn:<partition>:apigateway:<region>:s3:path/<bucket>/<key>`, `{param}` in the key filled from
 * `integration.request.path.<param>` ("Tutorial: Create a REST API as an Amazon S3 proxy").
 */
export function s3IntegrationUri(region: string, bucket: string, key: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}:s3:path/${bucket}/${key.replace(/^\//, "")}`;
}

/** The request header a caller revalidates with; S3 answers 304 when it still matches the object's ETag (S3 GetObject, `If-None-Match`). */
export const CONDITIONAL_HEADER = "If-None-Match";

/**
 * Method request parameters: each path parameter required, If-None-Match optional
 * (`method.request.path.<name>` / `method.request.header.<name>`, "Set up a method request in API Gateway").
 */
export function methodRequestParameters(route: Route): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const p of route.pathParameters) out[`method.request.path.${p}`] = true;
  out[`method.request.header.${CONDITIONAL_HEADER}`] = false;
  return out;
}

/**
 * Integration request parameters: each path parameter fills its placeholder in the S3 key, and
 * If-None-Match is passed on to S3 (destination ← source, "Parameter mapping for REST APIs in API
 * Gateway"; the S3-proxy header forwarding as in serverless-apigateway-service-proxy#65).
 */
export function integrationRequestParameters(route: Route): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of route.pathParameters) out[`integration.request.path.${p}`] = `method.request.path.${p}`;
  out[`integration.request.header.${CONDITIONAL_HEADER}`] = `method.request.header.${CONDITIONAL_HEADER}`;
  return out;
}

/** One integration response and its method response. */
export interface ResponseMapping {
  statusCode: string;
  /**
   * Regex over the integration's (S3's) status code; undefined marks the default response. For AWS
   * and HTTP back ends the status code is what is matched (`IntegrationResponse.selectionPattern`,
   * API Gateway API reference).
   */
  selectionPattern?: string;
  /** A fixed `application/json` body; undefined passes S3's body through. */
  template?: string;
  /** Method response header → its source: an `integration.response.header.*` or a quoted constant. */
  headers: Readonly<Record<string, string>>;
}

const passthrough = (name: string) => `integration.response.header.${name}`;

/**
 * The object (or S3's 304) passes through with its ETag and Last-Modified; S3 errors never name the bucket:
 * a missing key (403 AccessDenied without s3:ListBucket, or 404 NoSuchKey) is `404 {"message":"Not Found"}`.
 */
export const RESPONSES: readonly ResponseMapping[] = Object.freeze<ResponseMapping[]>([
  {
    statusCode: "200",
    headers: { "Content-Type": passthrough("Content-Type"), ETag: passthrough("ETag"), "Last-Modified": passthrough("Last-Modified") },
  },
  { statusCode: "304", selectionPattern: "304", headers: { ETag: passthrough("ETag"), "Last-Modified": passthrough("Last-Modified") } },
  {
    statusCode: "404",
    selectionPattern: "4\\d{2}",
    template: JSON.stringify({ message: "Not Found" }),
    headers: { "Content-Type": "'application/json'" },
  },
  {
    statusCode: "502",
    selectionPattern: "5\\d{2}",
    template: JSON.stringify({ message: "Bad Gateway" }),
    headers: { "Content-Type": "'application/json'" },
  },
]);

/** `MethodResponse.responseParameters`: the headers the method response declares. */
export function methodResponseParameters(r: ResponseMapping): Record<string, boolean> {
  return Object.fromEntries(Object.keys(r.headers).map((h) => [`method.response.header.${h}`, true]));
}

/** `IntegrationResponse.responseParameters`: where each declared header's value comes from. */
export function integrationResponseParameters(r: ResponseMapping): Record<string, string> {
  return Object.fromEntries(Object.entries(r.headers).map(([h, source]) => [`method.response.header.${h}`, source]));
}

/** One S3 object the API serves: its key and exact bytes. */
export interface DataObject {
  key: string;
  /** The dataset year for a per-year object; undefined for data.json. */
  year?: number;
  body: string;
}

/**
 * Every object in the data bucket: `api/v1/data.json` with the configured years, then one
 * `api/v1/<year>/data.json` per dataset year. No clock: the dataset release decides the years.
 */
export function dataObjects(opts: { years: readonly number[]; names: HolidayNames }): DataObject[] {
  return [
    { key: DATA_ROUTE.s3Key, body: holidaysDocument(opts.years, opts.names) },
    ...DATASET_YEARS.map((year) => ({
      key: s3KeyFor(YEAR_ROUTE, new Map([["year", String(year)]])),
      year,
      body: holidaysDocument([year], opts.names),
    })),
  ];
}
