/**
 * A broken variant for the twin (`npm run gateway -- --transform twin/transforms/dropRedeployTrigger.ts`): the
 * Deployment loses its `triggers`, so its stage keeps serving a stale snapshot (hashicorp/terraform-provider-aws#20811).
 */
import type * as pulumi from "@pulumi/pulumi";
import { TYPE } from "../resourceTypes";

const dropRedeployTrigger: pulumi.ResourceTransform = (args) => {
  if (args.type !== TYPE.deployment) return undefined;
  const { triggers: _dropped, ...props } = args.props as Record<string, unknown>;
  return { props, opts: args.opts };
};

export default dropRedeployTrigger;
