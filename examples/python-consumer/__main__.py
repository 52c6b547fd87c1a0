"""A Python consumer of the holidays component package.

`pulumi package add <repo>@<tag>` generates the `pulumi_holidays` SDK (docs/component-package.md).
This program reads the holidays API's outputs through a StackReference and deploys its own caller
with the package's CallerFunction; it exports `callerRoleArn`, which holidays-api reads back
through its `invokerStacks` config.
"""

import pulumi
import pulumi_aws as aws
import pulumi_holidays as holidays

config = pulumi.Config()
api = pulumi.StackReference(config.require("holidaysStack"))
region = api.require_output("region")

account_id = config.get("accountId")
provider = aws.Provider(
    "consumer",
    region=region,
    profile=config.get("profile"),
    allowed_account_ids=[account_id] if account_id else None,
)

caller = holidays.CallerFunction(
    "consumer",
    api_url=api.require_output("dataUrl"),
    api_region=region,
    # Exactly the route it calls (data.json); the stack's `methodArns` lists every route.
    method_arns=api.require_output("methodArn").apply(lambda arn: [arn]),
    log_retention_in_days=30,
    # A component's children take the provider for their package from `providers`.
    opts=pulumi.ResourceOptions(providers=[provider]),
)

pulumi.export("callerRoleArn", caller.role_arn)
pulumi.export("callerFunctionName", caller.function_name)
