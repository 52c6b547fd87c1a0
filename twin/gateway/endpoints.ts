/**
 * One loopback listener per declared interface VPC endpoint, handing its sockets to the gateway's one HTTP server:
 * a request there came through the endpoint (aws:SourceVpce, aws:SourceVpc; no aws:SourceIp, IAM global condition keys).
 */
import type * as http from "node:http";
import * as net from "node:net";
import type { DeclaredApi } from "../declared";
import type { DeclaredEndpoint } from "../network";
import { type Answer, errorAnswer } from "./answer";

export interface EndpointListener {
  endpoint: DeclaredEndpoint;
  port: number;
  /** `http://127.0.0.1:PORT/<stage>` */
  url: string;
}

export interface EndpointListeners {
  listeners: EndpointListener[];
  /** The endpoint a socket came through, or undefined for the main listener. */
  endpointOf(socket: net.Socket): DeclaredEndpoint | undefined;
  /** Whether a Host header (lower-cased) names this listener, or, on an endpoint listener, an execute-api host of the region. */
  acceptsHost(socket: net.Socket, host: string): boolean;
  close(): Promise<void>;
}

const API_ID = /^[a-z0-9]{1,32}$/;

/** `<api-id>.execute-api.<region>.amazonaws.com[:port]` → the API id. */
export function apiIdOfHost(host: string, region: string): string | undefined {
  const m = /^([a-z0-9]{1,32})\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?::\d{1,5})?$/.exec(host);
  return m && m[2] === region ? m[1] : undefined;
}

export async function openEndpointListeners(
  server: http.Server,
  endpoints: readonly DeclaredEndpoint[],
  opts: { stageName: string; region: string; maxConnections: number },
): Promise<EndpointListeners> {
  const byPort = new Map<number, DeclaredEndpoint>();
  const servers: net.Server[] = [];
  const listeners: EndpointListener[] = [];
  try {
    for (const endpoint of endpoints) {
      // Node documents injecting a socket by emitting 'connection' on an HTTP server (http.Server 'connection' event).
      const tcp = net.createServer((socket) => server.emit("connection", socket));
      tcp.maxConnections = opts.maxConnections;
      servers.push(tcp);
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(0, "127.0.0.1", () => resolve());
      });
      const { port } = tcp.address() as net.AddressInfo;
      byPort.set(port, endpoint);
      listeners.push({ endpoint, port, url: `http://127.0.0.1:${port}/${opts.stageName}` });
    }
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }
  return {
    listeners,
    endpointOf: (socket) => byPort.get(socket.localPort ?? -1),
    acceptsHost: (socket, host) => {
      const port = socket.localPort ?? -1;
      if (host === `127.0.0.1:${port}` || host === `localhost:${port}` || (port === 80 && (host === "127.0.0.1" || host === "localhost")))
        return true;
      return byPort.has(port) && apiIdOfHost(host, opts.region) !== undefined;
    },
    close: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined),
  };
}

/** What the network decides before the API sees a request: refuse it, or pass it on for this API id. */
export type NetworkVerdict = { refuse: Answer } | { apiId: string };

/**
 * 403 ForbiddenException "Forbidden" for a PRIVATE API reached outside an endpoint, and for any other API through one:
 * "VPC endpoints can route traffic only to private APIs, the result is an HTTP 403 error" (repost.aws "api-gateway-vpc-connections").
 */
export function networkVerdict(
  api: Pick<DeclaredApi, "endpointType" | "restApiId" | "region">,
  via: DeclaredEndpoint | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): NetworkVerdict {
  const forbidden = () => ({ refuse: errorAnswer(403, "ForbiddenException", "Forbidden") });
  const isPrivate = api.endpointType === "PRIVATE";
  if (!via) return isPrivate ? forbidden() : { apiId: api.restApiId };
  const header = headers["x-apigw-api-id"];
  const fromHeader = typeof header === "string" ? header : undefined;
  // An id that cannot be an API id names no API (API ids are lower-case letters and digits).
  if (fromHeader !== undefined && !API_ID.test(fromHeader)) return forbidden();
  // The listener stands for the API's name under private DNS, unless Host or x-apigw-api-id names another API
  // ("How to invoke a private API", API Gateway Developer Guide).
  const apiId = apiIdOfHost(String(headers.host ?? "").toLowerCase(), api.region) ?? fromHeader ?? api.restApiId;
  if (apiId === api.restApiId && !isPrivate) return forbidden();
  return { apiId };
}
