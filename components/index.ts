/**
 * The components as a library: `import { CallerFunction, HolidaysApi, accountProvider } from "<path to holidays-api>/components"`.
 * Each is a Pulumi ComponentResource (or provider factory) with documented Args; pass the provider
 * of the account it belongs in through the resource options. examples/consumer deploys its own
 * caller with CallerFunction this way.
 */
export { CallerFunction } from "./callerFunction";
export type { CallerFunctionArgs } from "./callerFunction";
export { CallerNetwork } from "./callerNetwork";
export type { CallerNetworkArgs } from "./callerNetwork";
export { HolidaysApi } from "./holidaysApi";
export type { HolidaysApiArgs } from "./holidaysApi";
export { accountProvider } from "./accountProvider";
