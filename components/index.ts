/**
 * The components as a library (`import { CallerFunction, HolidaysApi, accountProvider } from "<holidays-api>/components"`):
 * pass each the provider of its account in the resource options; each exposes its children (docs/extending.md).
 */
export { CALLER_RUNTIMES, CallerFunction } from "./callerFunction";
export type { CallerFunctionArgs } from "./callerFunction";
export { CallerNetwork } from "./callerNetwork";
export type { CallerNetworkArgs } from "./callerNetwork";
export { HolidaysApi } from "./holidaysApi";
export type { HolidaysApiArgs } from "./holidaysApi";
export { accountProvider } from "./accountProvider";
