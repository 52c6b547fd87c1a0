/**
 * A `Response` whose body is in memory, built without the global `Response`: touching any fetch global
 * loads undici, the larger part of a cold start (docs/benchmarks-signer.md). Unlike a real one it is
 * not `instanceof Response` and its body is not streamed; only `formData()` builds a real one.
 */

/** Statuses whose response has a null body (Fetch Standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Response headers: read-only, case-insensitive, iterated sorted with values combined as the Fetch Standard says. */
export class ResponseHeaders implements Headers {
  private readonly byName = new Map<string, string[]>();

  /** From `[name, value]` pairs as received (repeated names keep every value in order). */
  constructor(pairs: Iterable<readonly [string, string]>) {
    for (const [name, value] of pairs) {
      const key = name.toLowerCase();
      const values = this.byName.get(key);
      if (values) values.push(value);
      else this.byName.set(key, [value]);
    }
  }

  /** From Node's `rawHeaders` (`[name, value, name, value, …]`). */
  static fromRaw(raw: readonly string[]): ResponseHeaders {
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
    return new ResponseHeaders(pairs);
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase())?.join(", ") ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  getSetCookie(): string[] {
    return [...(this.byName.get("set-cookie") ?? [])];
  }

  append(): void {
    throw new TypeError("immutable");
  }

  set(): void {
    throw new TypeError("immutable");
  }

  delete(): void {
    throw new TypeError("immutable");
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of [...this.byName.keys()].sort()) {
      const values = this.byName.get(key) ?? [];
      if (key === "set-cookie") for (const v of values) yield [key, v];
      else yield [key, values.join(", ")];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

export interface BufferedResponseInit {
  status: number;
  statusText?: string;
  headers: ResponseHeaders;
  /** The URL the response came from. */
  url: string;
}

export class BufferedResponse implements Response {
  readonly type = "basic" as const;
  readonly redirected = false;
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: ResponseHeaders;
  readonly url: string;
  private used = false;
  private stream: ReadableStream<Uint8Array> | null | undefined;

  constructor(
    private readonly data: Uint8Array,
    init: BufferedResponseInit,
  ) {
    this.status = init.status;
    this.statusText = init.statusText ?? "";
    this.ok = init.status >= 200 && init.status <= 299;
    this.headers = init.headers;
    this.url = init.url;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.stream === undefined) {
      this.stream = NULL_BODY_STATUSES.has(this.status)
        ? null
        : new ReadableStream<Uint8Array>({
            pull: (controller) => {
              this.used = true;
              if (this.data.length > 0) controller.enqueue(new Uint8Array(this.data));
              controller.close();
            },
          });
    }
    return this.stream;
  }

  private consume(): Uint8Array {
    if (this.used) throw new TypeError("Body is unusable: Body has already been read");
    this.used = true;
    return this.data;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.consume();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(this.consume());
  }

  async blob(): Promise<Blob> {
    return new Blob([this.consume()], { type: this.headers.get("content-type") ?? "" });
  }

  async text(): Promise<string> {
    // UTF-8 decode, a leading BOM dropped, as Response.text() does.
    return new TextDecoder().decode(this.consume());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async formData(): Promise<FormData> {
    return new Response(this.consume(), { status: this.status, statusText: this.statusText, headers: [...this.headers] }).formData();
  }

  clone(): BufferedResponse {
    if (this.used) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this.data, { status: this.status, statusText: this.statusText, headers: this.headers, url: this.url });
  }
}
