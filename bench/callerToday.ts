/**
 * The caller's cold path as it stood at ad514cb, rebuilt so `npm run bench` measures it beside
 * today's in the same run: the same handler (lambda/caller.ts), with the full AWS credential chain
 * bundled into its one file and created at init, and undici's global fetch as the transport.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { createCallerHandler } from "../lambda/caller";
import { readCallerConfig } from "../lambda/config";
import { createSignedFetch } from "../sigv4/signedFetch";

const config = readCallerConfig(process.env);
export const handler = createCallerHandler(config, createSignedFetch({ region: config.region, credentials: defaultProvider(), fetch }));
