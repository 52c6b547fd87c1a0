/**
 * The API's shape as data: its route, the S3 integration URI and the response mapping. Pure: the
 * HolidaysApi component wires these into resources, and the offline twin reads the same resources back.
 */
import { partitionOf } from "./arn";
import { HOLIDAYS_PATH } from "./holidays";

/** The one HTTP method the API serves. */
export const HTTP_METHOD = "GET";

/** The path segments of `api/v1/data.json`, each one an `aws.apigateway.Resource`. */
export function pathSegments(resourcePath: string = HOLIDAYS_PATH): string[] {
  return resourcePath.split("/").filter((s) => s !== "");
}

/**
 * The URI of an API Gateway `AWS` integration that reads one S3 object by path:
 * `arn:<partition>:apigateway:<region>:s3:path/<bucket>/<key>` ("Tutorial: Create a REST API as an
 * Amazon S3 proxy", API Gateway developer guide).
 */
export function s3IntegrationUri(region: string, bucket: string, key: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}:s3:path/${bucket}/${key.replace(/^\//, "")}`;
}

/** One integration response and its method response. */
export interface ResponseMapping {
  statusCode: string;
  /** Regex over the integration's (S3's) status code; undefined marks the default response. */
  selectionPattern?: string;
  /** A fixed `application/json` body; undefined passes S3's body and Content-Type through. */
  template?: string;
}

/** Success passes the object and its Content-Type through; S3 errors map to bodies that never name the bucket. */
export const RESPONSES: readonly ResponseMapping[] = Object.freeze([
  { statusCode: "200" },
  { statusCode: "404", selectionPattern: "4\\d{2}", template: JSON.stringify({ message: "Not Found" }) },
  { statusCode: "502", selectionPattern: "5\\d{2}", template: JSON.stringify({ message: "Bad Gateway" }) },
]);

/** The integration response parameter that sets the method response's Content-Type. */
export function contentTypeMapping(r: ResponseMapping): string {
  return r.template ? "'application/json'" : "integration.response.header.Content-Type";
}
