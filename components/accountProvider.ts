import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/aws/provider";
import type { AccountAccess } from "../lib/config";

/**
 * An explicit AWS provider for one account: `allowedAccountIds` fails a wrong profile or role before anything
 * changes (Pulumi.yaml disables default providers); default tags name the project and stack of every resource;
 * static credentials (from a Pulumi ESC environment) are secrets, so encrypted in the provider's state.
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
