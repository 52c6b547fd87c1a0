/**
 * The component package's entry (PulumiPlugin.yaml `main: plugin`). Pulumi's Node.js plugin host
 * requires this module, serves every ComponentResource it exports, names the package after this
 * folder's package.json (`holidays`: the SDK's name and the `holidays:index:` of each type token) and
 * infers the schema from the Args types, reading this folder's tsconfig.json
 * (@pulumi/pulumi cmd/run-plugin/run.js).
 */
export { CallerFunction } from "../components/callerFunction";
export { CallerNetwork } from "../components/callerNetwork";
export { HolidaysApi } from "../components/holidaysApi";
