"""Deliberately wrong uses of the binding: the type check must reject each line marked `# expect:`.

Not part of the app. scripts/bindings checks that mypy --strict fails on this file with exactly these errors, so a
binding whose annotations stopped carrying the library's types (or a type check that stopped looking) is noticed.
"""
import aws_cdk as cdk

from cdk_config_monitoring import ConfigMonitoringMaster, EventForwarding, Recording

app = cdk.App()
stack = cdk.Stack(app, "Broken")
# An organization id is a string, not a number.
ConfigMonitoringMaster(stack, "Monitoring", organization_id=123456789012)  # expect: arg-type
# A recording frequency is a RecordingFrequency, not its name.
Recording.create(frequency="CONTINUOUS")  # expect: arg-type
# Misspelt option: drop_not_aplicable.
EventForwarding.enriched(drop_not_aplicable=True)  # expect: call-arg
