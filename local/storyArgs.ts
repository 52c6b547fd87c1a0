/** `[--stack NAME] [--set project:key=value ...]`: a stack, and config values to override for this run only. */
export function parseStoryArgs(args: string[]): { stack: string; overrides: Record<string, string> } {
  let stack = "dev";
  const overrides: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--stack" && args[i + 1]) stack = args[++i];
    else if (args[i] === "--set" && args[i + 1]) {
      const eq = args[++i].indexOf("=");
      if (eq <= 0) throw new Error(`--set ${JSON.stringify(args[i])}: expected project:key=value, e.g. --set holidays-api:exclusive=false`);
      overrides[args[i].slice(0, eq)] = args[i].slice(eq + 1);
    } else throw new Error(`Unknown argument ${JSON.stringify(args[i])}: expected --stack NAME or --set project:key=value`);
  }
  return { stack, overrides };
}
