/**
 * What `pulumi destroy` does with the data bucket, as resource inputs and options. Pure, so the choice
 * is tested as a plain function: the mock monitor never sees resource options such as `retainOnDelete`
 * (`MockResourceArgs` in @pulumi/pulumi runtime/mocks.d.ts carries type, name, inputs and provider only).
 */
export type DataRetention = "retain" | "destroy";

export interface RetentionChoice {
  /** Option on the bucket and every resource configuring it: a destroy leaves them in AWS. */
  retainOnDelete: boolean;
  /** Bucket input: a destroy deletes every object version first, so it never fails with BucketNotEmpty. */
  forceDestroy: boolean;
}

export function retentionChoice(mode: DataRetention): RetentionChoice {
  return mode === "destroy" ? { retainOnDelete: false, forceDestroy: true } : { retainOnDelete: true, forceDestroy: false };
}
