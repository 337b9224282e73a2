"""One master stack, the two kinds of agent stack and the organization rollout of the example organization.

The same app as demo/example-app.ts: the four-language test requires that both synthesize identical templates, so
every construct id, prop and order of construction here matches the TypeScript reference.
"""
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_config as config
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_config_monitoring import (
    AccountFilter,
    BaselineRules,
    ComplianceAggregator,
    ComplianceRule,
    ConfigMonitoringAgent,
    ConfigMonitoringAgentProps,
    ConfigMonitoringMaster,
    ConfigMonitoringRollout,
    ConformancePack,
    DeliveryDestination,
    EventForwarding,
    OrganizationRule,
    Recording,
    RecordingFrequency,
    Remediation,
    RemediationDocument,
    RolloutTarget,
    SamplingRule,
)

MASTER_ACCOUNT = "111111111111"
MASTER_REGION = "eu-west-1"
ORGANIZATION_ID = "o-a1b2c3d4e5"

# The first account records with the agent's own recorder and forwards through the enriching function; the second
# is a Control Tower account whose recorder the agent adopts, forwarding directly.
RECORDING_ACCOUNT = "222222222222"
ADOPTING_ACCOUNT = "333333333333"
AGENT_REGIONS = ("eu-west-1", "us-east-1")

# The region where global resource types (IAM) are recorded.
HOME_REGION = "eu-west-1"

# The management account, where the organization rollout deploys from, and the OUs it targets: accounts outside
# Control Tower, and accounts enrolled in it.
MANAGEMENT_ACCOUNT = "999999999999"
MANAGEMENT_REGION = "eu-west-1"
WORKLOADS_OU = "ou-ab12-workloads1"
CONTROL_TOWER_OU = "ou-ab12-controltower"


def monitoring_key(scope: Construct, description: str) -> kms.Key:
    """A customer-managed key that only lets AWS services create grants (Control Tower's CT.KMS.PR.3)."""
    key = kms.Key(scope, "MonitoringKey", description=description, enable_key_rotation=True)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="DenyGrantsExceptForAwsResources",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["kms:CreateGrant"],
            resources=["*"],
            conditions={
                "BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"},
            },
        )
    )
    return key


def central_bus(scope: Construct) -> events.IEventBus:
    """The master's bus, addressed by ARN: no stack references another."""
    return events.EventBus.from_event_bus_arn(
        scope, "CentralBus", ConfigMonitoringMaster.event_bus_arn(MASTER_ACCOUNT, MASTER_REGION)
    )


class MasterStack(cdk.Stack):
    """The central account, with every master feature on."""

    def __init__(self, scope: Construct, construct_id: str, *, env: cdk.Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        encryption_key = monitoring_key(self, "Encrypts the config-monitoring tables, queues, topics, buckets and logs")
        alarm_topic = sns.Topic(self, "AlarmTopic", master_key=encryption_key, enforce_ssl=True)
        self.monitoring = ConfigMonitoringMaster(
            self,
            "Monitoring",
            organization_id=ORGANIZATION_ID,
            encryption_key=encryption_key,
            aggregator=ComplianceAggregator.organization(),
            daily_report={},
            history_archive={},
            compliance_api={},
            dashboard={"alarm_topic": alarm_topic},
            organization_rules=[
                OrganizationRule.managed(
                    config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED,
                    rule_name="org-cloudtrail-enabled",
                ),
            ],
        )


class RecordingAgentStack(cdk.Stack):
    """A member account recording with its own recorder, rules, a conformance pack and the enriching forwarder."""

    def __init__(self, scope: Construct, construct_id: str, *, env: cdk.Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        encryption_key = monitoring_key(self, "Encrypts the AWS Config delivery bucket and the forwarder")
        alarm_topic = sns.Topic(self, "AlarmTopic", master_key=encryption_key, enforce_ssl=True)
        restricted_ssh = ComplianceRule.managed(
            config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED,
            rule_name="restricted-ssh",
            remediation=Remediation.automatic(document=RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22),
        )
        buckets_encrypted = ComplianceRule.managed(
            config.ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED,
            rule_name="team-buckets-encrypted",
        )
        # The baseline's own SSH rule gives way to the remediated one above.
        baseline = [rule for rule in BaselineRules.recommended() if rule.rule_name != "incoming-ssh-disabled"]
        self.agent = ConfigMonitoringAgent(
            self,
            "Agent",
            central_event_bus=central_bus(self),
            recording=Recording.create(
                frequency=RecordingFrequency.CONTINUOUS,
                global_resource_types_region=HOME_REGION,
                delivery=DeliveryDestination.new_bucket(encryption_key=encryption_key),
                alarm_topic=alarm_topic,
            ),
            rules=[restricted_ssh, *baseline],
            conformance_packs=[ConformancePack.from_rules("team-baseline", [buckets_encrypted])],
            forwarding=EventForwarding.enriched(
                account_name=f"workloads-{env.account}",
                drop_not_applicable=True,
                drop_relationship_only_changes=True,
                sampling=[
                    SamplingRule.for_resource_type(
                        config.ResourceType.of("AWS::SSM::ManagedInstanceInventory"), 0.1
                    ),
                ],
                labels={"environment": "production"},
                encryption_key=encryption_key,
            ),
        )


class AdoptingAgentStack(cdk.Stack):
    """A Control Tower account: its recorder and delivery channel exist already, so the agent adopts them."""

    def __init__(self, scope: Construct, construct_id: str, *, env: cdk.Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        self.agent = ConfigMonitoringAgent(
            self, "Agent", central_event_bus=central_bus(self), recording=Recording.adopt_existing()
        )


class RolloutStack(cdk.Stack):
    """The management account: the organization rollout, and the management account's own agent.

    Service-managed StackSets, auto-deployed to the OUs, with direct forwarding (so no asset buckets); StackSets never
    reach the management account, so it has an agent of its own.
    """

    def __init__(self, scope: Construct, construct_id: str, *, env: cdk.Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        bus = central_bus(self)
        regions = list(AGENT_REGIONS)
        self.rollout = ConfigMonitoringRollout(
            self,
            "Rollout",
            agent=ConfigMonitoringAgentProps(
                central_event_bus=bus,
                rules=BaselineRules.recommended(include_account_level_rules=False),
            ),
            # Global IAM types are recorded, and account-level rules deployed, in the home region only.
            home_region=HOME_REGION,
            home_region_rules=BaselineRules.account_level(),
            targets=[
                # Accounts outside Control Tower: the agent creates the recorder. The recording account keeps its own
                # stacks.
                RolloutTarget(
                    organizational_unit_ids=[WORKLOADS_OU],
                    regions=regions,
                    accounts=[RECORDING_ACCOUNT],
                    account_filter=AccountFilter.DIFFERENCE,
                ),
                # Accounts enrolled in Control Tower: the agent adopts Control Tower's recorder. The adopting account
                # keeps its own stacks.
                RolloutTarget(
                    organizational_unit_ids=[CONTROL_TOWER_OU],
                    regions=regions,
                    accounts=[ADOPTING_ACCOUNT],
                    account_filter=AccountFilter.DIFFERENCE,
                    recording=Recording.adopt_existing(),
                ),
            ],
        )
        # This stack is in the home region: the account-level rules and the global resource types are recorded here.
        self.agent = ConfigMonitoringAgent(
            self,
            "ManagementAccountAgent",
            central_event_bus=bus,
            rules=BaselineRules.recommended(),
            recording=Recording.create(global_resource_types_region=HOME_REGION),
        )


def build_example_app(outdir: Optional[str] = None) -> cdk.App:
    """The example organization: one master stack, an agent stack per member account and region, and the management
    account's rollout to the organization's OUs.

    Every stack names its environment and no stack references another: each deploys on its own, in its own account.
    """
    app = cdk.App(outdir=outdir)
    MasterStack(app, "ConfigMonitoringMaster", env=cdk.Environment(account=MASTER_ACCOUNT, region=MASTER_REGION))
    for region in AGENT_REGIONS:
        RecordingAgentStack(
            app,
            f"ConfigMonitoringAgent-{RECORDING_ACCOUNT}-{region}",
            env=cdk.Environment(account=RECORDING_ACCOUNT, region=region),
        )
        AdoptingAgentStack(
            app,
            f"ConfigMonitoringAgent-{ADOPTING_ACCOUNT}-{region}",
            env=cdk.Environment(account=ADOPTING_ACCOUNT, region=region),
        )
    RolloutStack(
        app, "ConfigMonitoringRollout", env=cdk.Environment(account=MANAGEMENT_ACCOUNT, region=MANAGEMENT_REGION)
    )
    return app
