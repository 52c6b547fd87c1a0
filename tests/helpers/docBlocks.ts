/**
 * The pages of the documentation (README.md, docs/*.md, examples' READMEs) as fenced blocks, each
 * with its `<!-- readme-test: KIND [ARGS] [key=value] -->` marker (docs/CONVENTIONS.md), and the
 * pure checks the harness applies to them.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.join(__dirname, "..", "..");

export interface Marker {
  kind: string;
  args: string[];
  opts: ReadonlyMap<string, string>;
  id: string | undefined;
}

export interface DocBlock {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  marker: Marker | undefined;
}

export interface Page {
  page: string;
  text: string;
  blocks: DocBlock[];
  /** Marker comments with no fenced block right under them, by line. */
  strayMarkers: number[];
}

/** README.md, every docs/*.md, and each examples/<name>/README.md, as repository-relative paths. */
export function docPages(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  const examples = fs
    .readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(ROOT, "examples", d.name, "README.md")))
    .map((d) => `examples/${d.name}/README.md`)
    .sort();
  return ["README.md", ...docs, ...examples];
}

const MARKER = /^<!-- readme-test: (.*?) -->\s*$/;

export function parseMarker(text: string): Marker {
  const args: string[] = [];
  const opts = new Map<string, string>();
  for (const token of text.trim().split(/\s+/)) {
    const eq = token.indexOf("=");
    if (eq > 0) opts.set(token.slice(0, eq), token.slice(eq + 1));
    else args.push(token);
  }
  return { kind: args.shift() ?? "", args, opts, id: opts.get("id") };
}

export function readPage(page: string): Page {
  const text = fs.readFileSync(path.join(ROOT, page), "utf8");
  const lines = text.split("\n");
  const blocks: DocBlock[] = [];
  const strayMarkers: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})([\w-]*)\s*$/.exec(lines[i]);
    if (!open) {
      if (MARKER.test(lines[i]) && !/^(`{3,}|~{3,})/.test(lines[i + 1] ?? "")) strayMarkers.push(i + 1);
      continue;
    }
    const fence = open[1];
    const close = new RegExp(`^${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end])) end++;
    if (end >= lines.length) throw new Error(`${page} line ${i + 1}: unclosed code fence`);
    const m = MARKER.exec(lines[i - 1] ?? "");
    blocks.push({
      page,
      line: i + 1,
      lang: open[2],
      code: lines.slice(i + 1, end).join("\n") + "\n",
      marker: m ? parseMarker(m[1]) : undefined,
    });
    i = end;
  }
  return { page, text, blocks, strayMarkers };
}

/** Languages whose blocks must carry a marker: they are commands or code a reader runs. */
export const MARKED_LANGS: readonly string[] = ["bash", "sh", "shell", "console", "python", "py", "typescript", "ts", "javascript", "js"];

export function where(b: DocBlock): string {
  return `${b.page} line ${b.line}`;
}

/**
 * Whether `expected` (an `output` block) is in `actual`: each non-empty line, in order, matches a
 * whole line of `actual` (trailing spaces ignored), `…` matching any text; a line that is only `…` is
 * skipped. Returns the first expected line not found, or undefined.
 */
export function missingOutputLine(expected: string, actual: string): string | undefined {
  const got = actual.split("\n").map((l) => l.trimEnd());
  let at = 0;
  for (const raw of expected.split("\n")) {
    const line = raw.trimEnd();
    if (line.trim() === "" || line.trim() === "…") continue;
    const re = new RegExp(`^${line.split("…").map(escapeRegExp).join(".*")}$`);
    let found = -1;
    for (let k = at; k < got.length; k++)
      if (re.test(got[k])) {
        found = k;
        break;
      }
    if (found < 0) return line;
    at = found + 1;
  }
  return undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Lines of a shell block with continuations joined and trailing comments dropped. */
export function shellLines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((l) => (/^\s*#/.test(l) ? "" : l.replace(/\s+#.*$/, "")))
    .filter((l) => l.trim() !== "");
}

export interface NpmInvocation {
  script: string;
  args: string[];
}

/** `npm start [-- args]` / `npm run [-s|--silent] X [-- args]`, with `$(…)` and `$VAR` as placeholders. */
export function npmInvocations(code: string): NpmInvocation[] {
  const out: NpmInvocation[] = [];
  for (const raw of shellLines(code)) {
    const line = raw.replace(/"\$\([^)]*\)"|"\$\{?\w+\}?"|\$\{?\w+\}?/g, "PLACEHOLDER");
    for (const m of line.matchAll(/\bnpm (?:run (?:--silent |-s )?([\w:-]+)|(start))(?: -- ([^;&|)]*))?/g)) {
      out.push({
        script: m[1] ?? m[2],
        args: (m[3] ?? "")
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((a) => a.replace(/^(["'])(.*)\1$/, "$2")),
      });
    }
  }
  return out;
}

/** The names a TypeScript module exports as `export const NAME`. */
export function exportedConsts(file: string): string[] {
  const src = fs.readFileSync(path.join(ROOT, file), "utf8");
  return [...src.matchAll(/^export const (\w+)\b/gm)].map((m) => m[1]);
}

/** Backticked repository-looking paths (`lib/policy.ts`, `twin/gateway/`) of a page, outside code blocks. */
export function backtickedPaths(text: string): string[] {
  const prose = stripFences(text);
  const named = new Set<string>();
  for (const [, p] of prose.matchAll(/`((?:[\w.-]+\/)+(?:[\w.-]+\.(?:ts|mjs|cjs|js|json|yaml|md|txt|py|sh))?)`/g)) named.add(p);
  return [...named];
}

/** Relative links of a page (`[x](docs/twin.md#npm-start)` → docs/twin.md + npm-start; `(#x)` → "" + x). */
export function relativeLinks(text: string): { target: string; anchor: string | undefined }[] {
  const out: { target: string; anchor: string | undefined }[] = [];
  for (const [, link] of stripFences(text)
    .replace(/`[^`\n]*`/g, "")
    .matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(link)) continue;
    const hash = link.indexOf("#");
    out.push(hash < 0 ? { target: link, anchor: undefined } : { target: link.slice(0, hash), anchor: link.slice(hash + 1) });
  }
  return out;
}

/** The anchors of a page's headings, as GitHub makes them (lower case, punctuation dropped, spaces → -). */
export function headingAnchors(text: string): Set<string> {
  const out = new Set<string>();
  for (const [, title] of stripFences(text).matchAll(/^#{1,6} (.+)$/gm))
    out.add(
      title
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-"),
    );
  return out;
}

/** The page without its fenced blocks (prose, tables, markers). */
export function stripFences(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let fence: RegExp | undefined;
  for (const line of lines) {
    if (fence) {
      if (fence.test(line)) fence = undefined;
      continue;
    }
    const open = /^(`{3,}|~{3,})/.exec(line);
    if (open) {
      fence = new RegExp(`^${open[1][0] === "`" ? "`" : "~"}{${open[1].length},}\\s*$`);
      continue;
    }
    out.push(line);
  }
  return out.join("\n");
}

/** The text of a `## Title` section (up to the next `## `), or undefined. */
export function section(text: string, title: string): string | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !/^## /.test(lines[end])) end++;
  return lines.slice(start + 1, end).join("\n");
}

/** First-column backticked names of a markdown table's rows (`| \`a\`, \`b\` | … |` → a, b). */
export function tableFirstColumn(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\|([^|]*)\|/.exec(line);
    if (!m) continue;
    for (const [, name] of m[1].matchAll(/`([^`]+)`/g)) out.push(name);
  }
  return out;
}
