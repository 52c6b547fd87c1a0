import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/aws/provider";
import type { AccountAccess } from "../lib/config";

/**
 * An explicit AWS provider for one account. `allowedAccountIds` makes a wrong profile or role fail
 * before anything changes; `disable-default-providers` in Pulumi.yaml ensures nothing else is used.
 * Every resource it creates is tagged with the project and the stack, so two stacks in the same
 * accounts can be told apart. Static credentials (from a Pulumi ESC environment) are passed as
 * secrets, so they are encrypted in the provider's state.
 */
export function accountProvider(name: string, region: string, access: AccountAccess, opts?: pulumi.CustomResourceOptions): Provider {
  return new Provider(
    name,
    {
      region,
      profile: access.profile,
      accessKey: secretOrUndefined(access.accessKeyId),
      secretKey: secretOrUndefined(access.secretAccessKey),
      token: secretOrUndefined(access.sessionToken),
      assumeRoles: access.roleArn
        ? [{ roleArn: access.roleArn, externalId: access.externalId, sessionName: access.sessionName ?? "holidays-api-pulumi" }]
        : undefined,
      allowedAccountIds: [access.accountId],
      defaultTags: { tags: { project: pulumi.getProject(), stack: pulumi.getStack(), "managed-by": "pulumi" } },
    },
    opts,
  );
}

const secretOrUndefined = (value: string | undefined): pulumi.Output<string> | undefined =>
  value === undefined ? undefined : pulumi.secret(value);
