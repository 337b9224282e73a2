"""The smallest app: a master for an organization (the README's Install section shows this file)."""
import aws_cdk as cdk

from cdk_config_monitoring import ConfigMonitoringMaster

app = cdk.App()
stack = cdk.Stack(app, "Monitoring", env=cdk.Environment(account="111111111111", region="eu-west-1"))
ConfigMonitoringMaster(stack, "Master", organization_id="o-a1b2c3d4e5")
app.synth()
