/** `pulumi preview --policy-pack policy`: the holidays-api guardrails, all mandatory. Rules live in rules.ts. */
import { PolicyPack } from "@pulumi/policy";
import { packPolicies } from "./rules";

new PolicyPack("holidays-guardrails", { policies: packPolicies() });
