/**
 * The offline twin's transport: a loopback HTTP server (127.0.0.1 only) that reads each request and
 * hands it to the pipeline (pipeline.ts), which answers as the deployed API Gateway would.
 *
 * Transport rules, each bounded so that no client can stall or exhaust it:
 * - `Host`: exactly one, naming this gateway (RFC 9112 §3.2: "A server MUST respond with a 400 (Bad
 *   Request) status code to any HTTP/1.1 request message that lacks a Host header field and to any
 *   request message that contains more than one Host header field line"). API Gateway routes by
 *   host name, so a request for any other host or port gets 403 ForbiddenException "Forbidden", the
 *   answer for a host that names no API (README, gateway section).
 * - Body: at most API Gateway's 10 MB payload quota ("Quotas for configuring and running a REST API
 *   in API Gateway": Payload size 10 MB, cannot be increased), refused with 413 as soon as the
 *   Content-Length or the bytes streamed so far exceed it — never after reading it all.
 * - Time: a per-connection deadline for the headers and one for the whole request, enforced by our
 *   own timers (Node checks `headersTimeout`/`requestTimeout` only every
 *   `connectionsCheckingInterval`, which also is set short), and a cap on open connections.
 * - Logging never blocks (log.ts).
 *
 * `npm run gateway -- [--port N] [--contract-file PATH] [--log-requests] [--stack dev] [--set KEY=VALUE]`
 * prints one JSON line (the contract) and runs until SIGINT/SIGTERM.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomUUID } from "node:crypto";
import { HOLIDAYS_PATH } from "../../lib/holidays";
import { LocalIdentity, localIdentities } from "../identities";
import { CommandError, Parsed, STACK_OPTIONS, UsageError, runMain, stackArgs } from "../../tools/cli/args";
import { Plan, isProgramError } from "../plan";
import type { DeclaredEndpoint } from "../network";
import { EndpointListeners, openEndpointListeners } from "./endpoints";
import { Logger, createLogger } from "./log";
import { Answer, AnswerObserver, createPipeline, errorAnswer } from "./pipeline";

/** API Gateway's REST API payload quota, 10 MB (read as MiB, the larger reading: nothing AWS takes is refused). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface GatewayLimits {
  /** Largest request body accepted. Default {@link MAX_BODY_BYTES}. */
  maxBodyBytes: number;
  /** Time from connection (or the end of the previous response) to the end of the headers. Default 10 s. */
  headersTimeoutMs: number;
  /** Time from the start of a request to the end of its body. Default 30 s. */
  requestTimeoutMs: number;
  /** Idle time allowed between requests on a kept-alive connection. Default 5 s. */
  keepAliveTimeoutMs: number;
  /** Most connections open at once; more are closed on arrival. Default 1024. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxBodyBytes: MAX_BODY_BYTES,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
};

export interface GatewayOptions {
  port?: number;
  /** Adjusts the local identities (tests add callers of their own). */
  identities?: (base: LocalIdentity[]) => LocalIdentity[];
  /** Fixed clock for tests. */
  now?: () => Date;
  /** Sees every answer the pipeline gives, with the path the request took (the story prints it). */
  onAnswer?: AnswerObserver;
  limits?: Partial<GatewayLimits>;
  /** One line per request on the logger (method, path, status, ms). Default off. */
  logRequests?: boolean;
  /** Where log lines go. Default: a non-blocking logger on stderr. */
  logger?: Logger;
  /** Endpoints to listen for besides the declared ones (the story's endpoint that the program did not declare). */
  extraEndpoints?: DeclaredEndpoint[];
}

export interface GatewayStats {
  requests: number;
  /** Requests whose handling threw: a bug, answered 500 and logged. */
  internalErrors: number;
  droppedLogLines: number;
  openConnections: number;
  /** Connections closed by a header/request deadline. */
  timedOut: number;
}

export interface RunningGateway {
  url: string;
  dataUrl: string;
  region: string;
  identities: LocalIdentity[];
  plan: Plan;
  /** One loopback listener per VPC endpoint: a request there came through that endpoint (twin/gateway/endpoints.ts). */
  endpoints: { id: string; vpcId: string; url: string; dataUrl: string; undeclared?: string }[];
  stats(): GatewayStats;
  close(): Promise<void>;
}

const BAD_REQUEST_BODY = JSON.stringify({ message: "Bad Request" });
/** How long a refused request's connection may keep sending (discarded) after the answer. */
const LINGER_MS = 2_000;

const NO_BODY = Buffer.alloc(0);

/** `aws:SourceIp`: the TCP peer, an IPv4-mapped IPv6 address unwrapped. */
const sourceIpOf = (socket: Socket): string => {
  const address = socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
};

/** Host header lines of a request, from `rawHeaders` (Node's `headers.host` keeps only the first). */
function hostLines(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === "host") out.push(rawHeaders[i + 1]);
  return out;
}

export async function startGateway(plan: Plan, opts: GatewayOptions = {}): Promise<RunningGateway> {
  const base = localIdentities(plan);
  const identities = opts.identities ? opts.identities(base) : base;
  const answer = createPipeline(plan, identities, opts.now, opts.onAnswer);
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const logger = opts.logger ?? createLogger();
  const stats = { requests: 0, internalErrors: 0, timedOut: 0, openConnections: 0 };
  let endpointListeners: EndpointListeners | undefined;

  /**
   * Deadlines: each connection's is a number (when it must be done), checked by one sweep timer, so a
   * request costs an assignment rather than a setTimeout and a clearTimeout. A connection
   * is closed at most one sweep interval (an eighth of the shortest limit, at most 250 ms) late.
   */
  const deadlines = new Map<Socket, number>();
  const arm = (socket: Socket, ms: number) => void deadlines.set(socket, performance.now() + ms);
  const sweepEveryMs = Math.max(5, Math.min(250, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs, LINGER_MS) / 8));
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const [socket, due] of deadlines) {
      if (due > now) continue;
      deadlines.delete(socket);
      stats.timedOut++;
      socket.destroy();
    }
  }, sweepEveryMs);
  sweeper.unref();

  /**
   * Answers are written together, once per turn of the event loop (setImmediate runs after the poll
   * phase has read every ready connection), not one by one as each is decided. On loopback each write
   * to a waiting client wakes it; back-to-back writes share that wake-up. Measured here under 10
   * connections: the gateway's write cost per answer fell from about 35 to 15 µs.
   */
  let pending: (() => void)[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    for (const write of batch) write();
  };
  const later = (write: () => void) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(write);
  };

  const server = http.createServer(
    {
      maxHeaderSize: 16 * 1024,
      // Node's own timers, as a backstop to ours; checked every connectionsCheckingInterval.
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
      // Missing Host is answered below, with a body, like every other 400.
      requireHostHeader: false,
    },
    (req, res) => {
      stats.requests++;
      const started = opts.logRequests ? process.hrtime.bigint() : 0n; // only a logged line needs the time
      const socket = req.socket;
      arm(socket, limits.requestTimeoutMs);

      const send = (a: Answer) => {
        if (res.headersSent || res.destroyed) return;
        const headers: Record<string, string> = {
          "content-type": a.contentType ?? "application/json",
          "content-length": String(Buffer.byteLength(a.body, "utf8")),
          "x-amzn-requestid": randomUUID(),
        };
        if (a.errorType) headers["x-amzn-errortype"] = a.errorType;
        // Headers the declared integration/method responses map (names come from the program, not the client).
        if (a.headers) for (const [name, value] of a.headers) headers[name.toLowerCase()] = value;
        res.writeHead(a.status, headers);
        res.end(a.body, "utf8"); // a string: Node sends it in one write with the headers
        // The response is with the kernel (loopback takes a few KiB at once): the keep-alive clock starts.
        arm(socket, limits.headersTimeoutMs + limits.keepAliveTimeoutMs);
        if (opts.logRequests) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          logger.line(`${req.method ?? "?"} ${JSON.stringify((req.url ?? "").slice(0, 200))} ${a.status} ${ms.toFixed(1)}ms`);
        }
      };
      /**
       * Answers before the body is read, then closes gently: our side ends at once (FIN) while Node
       * discards what the client still sends, and the socket is destroyed after LINGER_MS. Closing
       * with unread data would send a reset, which can make the client lose the answer itself.
       */
      const refuse = (a: Answer) => {
        res.once("finish", () => {
          socket.end();
          arm(socket, LINGER_MS);
        });
        send(a);
      };
      const decide = (body: Buffer) => {
        let a: Answer;
        try {
          a = answer({
            method: req.method ?? "GET",
            rawUrl: req.url ?? "/",
            headers: req.headers,
            rawHeaders: req.rawHeaders,
            body,
            sourceIp: sourceIpOf(socket),
            via: endpointListeners?.endpointOf(socket),
          });
        } catch (err) {
          stats.internalErrors++;
          logger.line(`gateway: internal error: ${err instanceof Error ? err.message : String(err)}`);
          a = errorAnswer(500, "InternalServerErrorException", "Internal server error");
        }
        later(() => send(a));
      };

      const hosts = hostLines(req.rawHeaders);
      if (hosts.length !== 1) return refuse({ status: 400, body: BAD_REQUEST_BODY });
      if (!endpointListeners?.acceptsHost(socket, hosts[0].toLowerCase()))
        return refuse(errorAnswer(403, "ForbiddenException", "Forbidden"));

      // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3: "If this
      // is a request message and none of the above are true, then the message body length is zero"):
      // it is decided now, without waiting for the stream's end. Node discards the (empty) rest.
      const declared = req.headers["content-length"];
      if (declared === undefined && req.headers["transfer-encoding"] === undefined) return decide(NO_BODY);

      const tooLarge = () => errorAnswer(413, "RequestEntityTooLargeException", "Request Too Long");
      if (declared !== undefined && Number(declared) > limits.maxBodyBytes) return refuse(tooLarge());

      const chunks: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on("data", (c: Buffer) => {
        if (refused) return;
        size += c.length;
        if (size > limits.maxBodyBytes) {
          refused = true;
          chunks.length = 0;
          refuse(tooLarge());
          return;
        }
        chunks.push(c);
      });
      req.on("error", () => res.destroy());
      req.on("end", () => {
        if (!refused) decide(Buffer.concat(chunks));
      });
    },
  );
  server.maxConnections = limits.maxConnections;

  server.on("connection", (socket: Socket) => {
    stats.openConnections++;
    arm(socket, limits.headersTimeoutMs);
    socket.once("close", () => {
      stats.openConnections--;
      deadlines.delete(socket);
    });
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const [status, text] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "Request Timeout"]
          : [400, "Bad Request"];
    const body = JSON.stringify({ message: text });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  try {
    endpointListeners = await openEndpointListeners(server, [...plan.declared.network.endpoints, ...(opts.extraEndpoints ?? [])], {
      stageName: plan.stageName,
      region: plan.region,
      maxConnections: limits.maxConnections,
    });
  } catch (err) {
    clearInterval(sweeper);
    server.close();
    throw err;
  }
  const url = `http://127.0.0.1:${port}/${plan.stageName}`;
  return {
    url,
    dataUrl: `${url}/${HOLIDAYS_PATH}`,
    region: plan.region,
    identities,
    plan,
    endpoints: endpointListeners.listeners.map((l) => ({
      id: l.endpoint.id,
      vpcId: l.endpoint.vpcId,
      url: l.url,
      dataUrl: `${l.url}/${HOLIDAYS_PATH}`,
      ...(l.endpoint.undeclared ? { undeclared: l.endpoint.undeclared } : {}),
    })),
    stats: () => ({ ...stats, droppedLogLines: logger.dropped }),
    close: async () => {
      // The endpoint listeners stop accepting first; their sockets belong to the HTTP server, which closes them.
      const listenersClosed = endpointListeners?.close();
      await new Promise<void>((resolve) => {
        clearInterval(sweeper);
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await listenersClosed;
    },
  };
}

/** The one-line JSON contract printed first on stdout. */
export function contractLine(gw: RunningGateway): string {
  const creds = (i: LocalIdentity) => ({
    arn: i.caller.principalArn,
    accessKeyId: i.accessKeyId,
    secretAccessKey: i.secretAccessKey,
    sessionToken: i.sessionToken,
  });
  return JSON.stringify({
    url: gw.url,
    dataUrl: gw.dataUrl,
    region: gw.region,
    allowed: gw.identities.filter((i) => i.expectAllowed).map(creds),
    denied: gw.identities.filter((i) => !i.expectAllowed).map(creds),
    endpoints: endpointsOf(gw),
  });
}

/** The contract's `endpoints`; apiHost: the API's own name, which private DNS resolves to the endpoint inside the VPC (curl --connect-to). */
export function endpointsOf(gw: RunningGateway): { id: string; vpcId: string; url: string; apiHost: string }[] {
  return gw.endpoints.map((e) => ({
    id: e.id,
    vpcId: e.vpcId,
    url: e.url,
    apiHost: `${gw.plan.declared.api.restApiId}.execute-api.${gw.region}.amazonaws.com`,
  }));
}

/** `--port`: decimal digits only (no `0x50`, `1e3` or empty value), 0-65535; 0 picks a free port. */
export function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535)) {
    throw new UsageError(`--port ${JSON.stringify(text)}: expected a port number 0-65535 (0 picks any free port) in decimal digits`);
  }
  return n;
}

/** Writes the contract line to `file` atomically (a temporary file, then a rename): a reader never sees half of it. */
export function writeContractFile(file: string, line: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${line}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export const GATEWAY_COMMAND = {
  command: "npm run gateway",
  summary:
    "Starts the offline twin on 127.0.0.1: the local execute-api gateway and the AWS control-plane endpoint (Lambda Invoke, API Gateway reads, STS GetCallerIdentity) for the AWS CLI and SDKs. It prints one JSON line (the contract: URLs, controlPlaneUrl, region, the stack outputs, the local identities' and each account's deployer's credentials) on stdout first, then, on stderr, the shell lines that point the AWS CLI at the twin (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN of account B's deployer; AWS CLI v2 before 2.13 reads no AWS_ENDPOINT_URL: pass --endpoint-url \"$AWS_ENDPOINT_URL\"), and serves until SIGINT/SIGTERM. npm prints its own banner on stdout before it: read the contract from --contract-file, or run `npm run --silent gateway`.",
  options: {
    port: { type: "string", value: "N", help: "port on 127.0.0.1 (default 0: any free port)" },
    "contract-file": {
      type: "string",
      value: "PATH",
      help: "also write the contract line to PATH (atomically, once listening: wait for the file to appear); removed on exit",
    },
    "shell-file": {
      type: "string",
      value: "PATH",
      help: "also write those shell lines (account B's deployer exported, account A's as a comment) to PATH, for `. PATH`; removed on exit",
    },
    "log-requests": { type: "boolean", help: "log one line per request on stderr (never blocking; dropped under backpressure)" },
    transform: {
      type: "string",
      multiple: true,
      value: "PATH",
      help: "register a resource transform (a module whose default export is a pulumi.ResourceTransform) before the program runs: a variant of the program, e.g. twin/transforms/dropRedeployTrigger.ts",
    },
    update: {
      type: "boolean",
      help: "model an update: the stack config (with the transforms) was deployed first, then `pulumi up` ran with the --set values; each stage serves what its deployment captured",
    },
    ...STACK_OPTIONS,
  },
  examples: [
    "npm run gateway -- --port 0 --contract-file /tmp/gateway.json &",
    "npm run --silent gateway -- --port 8787 | head -1",
    'npm run gateway -- --shell-file /tmp/twin.env --contract-file /tmp/gateway.json & # then: . /tmp/twin.env; aws lambda invoke --endpoint-url "$AWS_ENDPOINT_URL" --function-name NAME out.json',
  ],
} as const;

/** `npm run gateway`: starts the twin (gateway + control plane), prints the contract, and serves until SIGINT/SIGTERM. */
export async function gatewayMain({ values }: Parsed<typeof GATEWAY_COMMAND.options>, logger: Logger = createLogger()): Promise<void> {
  const port = parsePort(values.port);
  const { stack, overrides } = stackArgs(values);
  // Loaded here: twin/endpoint.ts builds on this module's startGateway.
  const { loadTransform, startTwin, twinContractLine, twinShellLines } = await import("../endpoint");
  const transforms = (values.transform ?? []).map(loadTransform);
  const twin = await startTwin(stack, {
    overrides,
    update: values.update === true,
    runOptions: transforms.length > 0 ? { transforms } : {},
    gateway: { port, logger, logRequests: values["log-requests"] === true },
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EADDRINUSE") {
      throw new CommandError(
        `--port ${port}: 127.0.0.1:${port} is already in use (a gateway still running? stop it), or pass --port 0 to pick a free port`,
      );
    }
    throw err;
  });
  const gw = twin.gateway;
  const contract = twinContractLine(twin);
  process.stdout.write(`${contract}\n`);
  const shell = twinShellLines(twin);
  const file = values["contract-file"];
  const envFile = values["shell-file"];
  for (const [option, target, text] of [
    ["--shell-file", envFile, shell],
    ["--contract-file", file, contract],
  ] as const) {
    if (!target) continue;
    try {
      writeContractFile(target, text);
    } catch (err) {
      await twin.close();
      throw new CommandError(`${option} ${target}: cannot write it (${(err as Error).message}); pass a path in a writable folder`);
    }
  }
  logger.line(`AWS control plane of the twin on ${twin.controlPlane.endpoint}; point the AWS CLI at it with:\n${shell}`);
  logger.line(`local execute-api gateway listening on ${gw.url} (Ctrl-C or kill ${process.pid} to stop)`);
  for (const e of gw.endpoints) logger.line(`  through VPC endpoint ${e.id} (${e.vpcId}): ${e.url}`);
  let stopping = false;
  const stop = () => {
    // Handlers stay installed (`on`, not `once`) and a repeated signal is a no-op: with `once`, Node
    // restores a signal's default action as its last listener is removed, so a second SIGTERM arriving
    // then (npm forwards each `kill` it gets; a shell's EXIT trap often sends another) ended the process
    // before the contract file below was removed.
    if (stopping) return;
    stopping = true;
    // The contract goes first, synchronously: whoever stopped us may end its session (and us) before
    // the server has closed, and a stale contract would point the next reader at a dead port.
    if (file) fs.rmSync(file, { force: true });
    if (envFile) fs.rmSync(envFile, { force: true });
    // The last line says how the run went (the fuzz run reads it); then exit even if it is dropped.
    logger.line(`control plane stats: ${JSON.stringify(twin.controlPlane.stats())}`);
    logger.line(`gateway stats: ${JSON.stringify(gw.stats())}`);
    void twin.close().then(() => setTimeout(() => process.exit(0), 50).unref());
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("SIGHUP", stop); // the terminal or session that started us has gone
  // SIGUSR2: one line of memory figures, after a full GC when node runs with --expose-gc (npm run fuzz does).
  process.on("SIGUSR2", () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    logger.line(
      `gateway memory: ${JSON.stringify({ rssMiB: +(m.rss / 2 ** 20).toFixed(1), heapUsedMiB: +(m.heapUsed / 2 ** 20).toFixed(1) })}`,
    );
  });
}

if (require.main === module) {
  const logger = createLogger();
  runMain(GATEWAY_COMMAND, (parsed) => gatewayMain(parsed, logger), { isExpected: isProgramError, err: (t) => logger.line(t) });
}
