/**
 * The real AWS CLI v2 (Debian's `awscli`; `.ci/run` installs it): its binary, and its entry point kept
 * in one interpreter (awsCliDriver.py) so that many commands do not each pay the CLI's import.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";

export interface AwsCliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AwsCliV2 {
  bin: string;
  /** The interpreter named by the binary's `#!` line, which runs the driver too; none for a frozen (installer) build. */
  python?: string;
  /** 2.13 and later read AWS_ENDPOINT_URL (AWS SDKs and Tools Reference Guide, "Service-specific endpoints"). */
  readsEndpointEnv: boolean;
}

/** The AWS CLI v2 binary, or undefined when this machine has none. */
export function findAwsCliV2(): AwsCliV2 | undefined {
  for (const bin of ["/usr/bin/aws", "aws"]) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir() } });
    const m = /^aws-cli\/2\.(\d+)\./.exec(`${r.stdout ?? ""}${r.stderr ?? ""}`.trim());
    if (r.status !== 0 || !m) continue;
    const where = bin.includes("/") ? bin : spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" }).stdout.trim();
    const head = Buffer.alloc(256);
    const fd = fs.openSync(where, "r");
    const read = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const shebang = /^#!\s*(\S+)/.exec(head.subarray(0, read).toString("latin1"));
    return { bin, python: shebang?.[1], readsEndpointEnv: Number(m[1]) >= 13 };
  }
  return undefined;
}

/** `aws <argv>` run by the CLI's own entry point in one long-lived interpreter, one command at a time. */
export class AwsCliDriver {
  private readonly child: ChildProcess;
  private readonly waiting: ((r: AwsCliRun) => void)[] = [];

  constructor(python: string) {
    this.child = spawn(python, [path.join(__dirname, "awsCliDriver.py")], { stdio: ["pipe", "pipe", "inherit"] });
    readline.createInterface({ input: this.child.stdout! }).on("line", (line) => this.waiting.shift()?.(JSON.parse(line) as AwsCliRun));
    this.child.on("exit", (code) => {
      for (const resolve of this.waiting.splice(0)) resolve({ code: -1, stdout: "", stderr: `awsCliDriver.py exited (${code})` });
    });
  }

  run(argv: string[], env: Record<string, string>): Promise<AwsCliRun> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin!.write(`${JSON.stringify({ argv, env })}\n`);
    });
  }

  close(): void {
    this.child.stdin!.end();
  }
}
