/**
 * A logger that never blocks and never throws: stderr is switched to non-blocking (a pipe is written
 * synchronously on Linux, Node docs "process I/O"), overflow and EPIPE drop lines (docs/decisions.md, "Twin").
 */
import type { Writable } from "node:stream";

export interface Logger {
  /** Writes one line (a newline is added) unless the stream is backed up; false when dropped. */
  line(text: string): boolean;
  /** Lines dropped so far (backpressure or a broken stream). */
  readonly dropped: number;
}

export interface LoggerOptions {
  /** Most bytes allowed to wait in the stream's buffer before lines are dropped. Default 64 KiB. */
  maxBufferedBytes?: number;
}

/** The libuv handle behind a net.Socket-backed stdio stream (not part of Node's typed API). */
interface HandleWithBlocking {
  setBlocking?: (blocking: boolean) => number;
}

interface StreamState {
  broken: boolean;
  /** Makes the descriptor non-blocking again (pipes and sockets; files and TTYs never wait on a reader). */
  nonBlocking: () => void;
}

/** Per stream, once: an error listener that marks it broken. */
const streams = new WeakMap<Writable, StreamState>();

function prepare(stream: Writable): StreamState {
  const known = streams.get(stream);
  if (known) return known;
  const handle = (stream as unknown as { _handle?: HandleWithBlocking })._handle;
  const state: StreamState = { broken: false, nonBlocking: () => void handle?.setBlocking?.(false) };
  streams.set(stream, state);
  stream.on("error", () => {
    state.broken = true; // EPIPE or similar: the reader is gone; keep serving, stop writing
  });
  return state;
}

export function createLogger(stream: Writable = process.stderr, opts: LoggerOptions = {}): Logger {
  const cap = opts.maxBufferedBytes ?? 64 * 1024;
  let dropped = 0;
  const state = prepare(stream);
  return {
    line(text: string): boolean {
      if (state.broken || stream.destroyed || stream.writableLength > cap) {
        dropped++;
        return false;
      }
      try {
        // Again before every write: a child spawned with an inherited stderr makes the shared description blocking.
        state.nonBlocking();
        stream.write(`${text}\n`);
        return true;
      } catch {
        state.broken = true;
        dropped++;
        return false;
      }
    },
    get dropped() {
      return dropped;
    },
  };
}
