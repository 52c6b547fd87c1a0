/**
 * The offline twin's public surface: the one module verify/, bench/ and tools/ import (lint holds it).
 * The program under mocks, the declared model read from it, the plan, the loopback gateway and
 * control plane, the local identities, the Lambda runtime and the story (`npm start`).
 */
export { type ProgramRun, type RecordedResource, type RunOptions, type StackOutputs, runProgram, valueOf } from "./program";
export { type Declared, readDeclared } from "./declared";
export { type DeclaredEndpoint, type DeclaredNetwork, endpointReachedBy, readNetwork } from "./network";
export { type Plan, buildPlan, isProgramError, renderPlan } from "./plan";
export { type RunningGateway, type GatewayOptions, contractLine, startGateway } from "./gateway/server";
export { type IncomingSignedRequest, type LocalCredentials, verifySigV4 } from "./gateway/sigv4Verifier";
export { type RunningControlPlane, startControlPlane } from "./controlPlane/server";
export { type RunningTwin, type TwinOptions, loadTransform, startTwin, twinContractLine, twinShellLines } from "./endpoint";
export { type LocalIdentity, localIdentities, mint } from "./identities";
export { type Invocation, invokeBundle, lambdaEnvironment } from "./lambdaRuntime";
export { tellStory } from "./story";
export { canonicalRequest, headerLines, parseRawQuery } from "./gateway/canonicalRequest";
export { ALGORITHM_V4A, sigV4aPrivateKey, sigV4aPublicPoint, sigV4aStringToSign } from "./gateway/sigv4a";
