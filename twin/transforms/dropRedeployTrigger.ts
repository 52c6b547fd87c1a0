/**
 * A broken variant of the program, for the twin only (`npm run gateway -- --transform
 * twin/transforms/dropRedeployTrigger.ts`): the REST API Deployment loses its `triggers`, so a changed
 * policy or method no longer replaces it and its stage keeps serving what it captured before — the
 * stale stage reported in hashicorp/terraform-provider-aws#20811.
 */
import type * as pulumi from "@pulumi/pulumi";

const dropRedeployTrigger: pulumi.ResourceTransform = (args) => {
  if (args.type !== "aws:apigateway/deployment:Deployment") return undefined;
  const { triggers: _dropped, ...props } = args.props as Record<string, unknown>;
  return { props, opts: args.opts };
};

export default dropRedeployTrigger;
