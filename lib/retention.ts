/**
 * What `pulumi destroy` does with the data bucket: `retain` keeps it, `destroy` deletes every version. Pure, so
 * tested as a function: the mock monitor never sees options such as `retainOnDelete` (MockResourceArgs, runtime/mocks.d.ts).
 */
export type DataRetention = "retain" | "destroy";
export const DATA_RETENTION_VALUES: readonly DataRetention[] = ["retain", "destroy"];

export interface RetentionChoice {
  /** Option on the bucket and every resource configuring it: a destroy leaves them in AWS. */
  retainOnDelete: boolean;
  /** Bucket input: a destroy deletes every object version first, so it never fails with BucketNotEmpty. */
  forceDestroy: boolean;
}

export function retentionChoice(mode: DataRetention): RetentionChoice {
  return mode === "destroy" ? { retainOnDelete: false, forceDestroy: true } : { retainOnDelete: true, forceDestroy: false };
}
