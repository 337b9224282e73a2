package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsconfig"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	monitoring "github.com/cdk-config-monitoring/cdk-config-monitoring-go/cdkconfigmonitoring"
)

const (
	masterAccount  = "111111111111"
	masterRegion   = "eu-west-1"
	organizationID = "o-a1b2c3d4e5"
	// recordingAccount records with the agent's own recorder and forwards through the enriching function.
	recordingAccount = "222222222222"
	// adoptingAccount is a Control Tower account whose recorder the agent adopts, forwarding directly.
	adoptingAccount = "333333333333"
	// homeRegion is where global resource types (IAM) are recorded.
	homeRegion = "eu-west-1"
	// managementAccount is where the organization rollout deploys from.
	managementAccount = "999999999999"
	managementRegion  = "eu-west-1"
	// workloadsOU and controlTowerOU are the OUs the rollout targets: accounts outside Control Tower, and accounts
	// enrolled in it.
	workloadsOU    = "ou-ab12-workloads1"
	controlTowerOU = "ou-ab12-controltower"
)

var agentRegions = []string{"eu-west-1", "us-east-1"}

// monitoringKey is a customer-managed key that only lets AWS services create grants (Control Tower's CT.KMS.PR.3).
func monitoringKey(scope constructs.Construct, description string) awskms.Key {
	key := awskms.NewKey(scope, jsii.String("MonitoringKey"), &awskms.KeyProps{
		Description:       jsii.String(description),
		EnableKeyRotation: jsii.Bool(true),
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("DenyGrantsExceptForAwsResources"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("kms:CreateGrant"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{
			"BoolIfExists": map[string]string{"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"},
		},
	}), nil)
	return key
}

// centralBus is the master's bus, addressed by ARN: no stack references another.
func centralBus(scope constructs.Construct) awsevents.IEventBus {
	return awsevents.EventBus_FromEventBusArn(scope, jsii.String("CentralBus"),
		monitoring.ConfigMonitoringMaster_EventBusArn(jsii.String(masterAccount), jsii.String(masterRegion), nil))
}

func environment(account, region string) *awscdk.Environment {
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}

// NewMasterStack is the central account, with every master feature on.
func NewMasterStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	encryptionKey := monitoringKey(stack, "Encrypts the config-monitoring tables, queues, topics, buckets and logs")
	alarmTopic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		MasterKey:  encryptionKey,
		EnforceSSL: jsii.Bool(true),
	})
	monitoring.NewConfigMonitoringMaster(stack, jsii.String("Monitoring"), &monitoring.ConfigMonitoringMasterProps{
		OrganizationId: jsii.String(organizationID),
		EncryptionKey:  encryptionKey,
		Aggregator:     monitoring.ComplianceAggregator_Organization(nil),
		DailyReport:    &monitoring.DailyReportOptions{},
		HistoryArchive: &monitoring.HistoryArchiveOptions{},
		ComplianceApi:  &monitoring.ComplianceApiOptions{},
		Dashboard:      &monitoring.ComplianceDashboardOptions{AlarmTopic: alarmTopic},
		OrganizationRules: &[]monitoring.OrganizationRule{
			monitoring.OrganizationRule_Managed(awsconfig.ManagedRuleIdentifiers_CLOUD_TRAIL_ENABLED(),
				&monitoring.OrganizationManagedRuleOptions{RuleName: jsii.String("org-cloudtrail-enabled")}),
		},
	})
	return stack
}

// NewRecordingAgentStack is a member account recording with its own recorder, rules, a conformance pack and the
// enriching forwarder.
func NewRecordingAgentStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	encryptionKey := monitoringKey(stack, "Encrypts the AWS Config delivery bucket and the forwarder")
	alarmTopic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		MasterKey:  encryptionKey,
		EnforceSSL: jsii.Bool(true),
	})
	restrictedSSH := monitoring.ComplianceRule_Managed(awsconfig.ManagedRuleIdentifiers_EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED(),
		&monitoring.ManagedComplianceRuleOptions{
			RuleName: jsii.String("restricted-ssh"),
			Remediation: monitoring.Remediation_Automatic(&monitoring.AutomaticRemediationOptions{
				Document: monitoring.RemediationDocument_DISABLE_INCOMING_SSH_ON_PORT_22(),
			}),
		})
	bucketsEncrypted := monitoring.ComplianceRule_Managed(awsconfig.ManagedRuleIdentifiers_S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED(),
		&monitoring.ManagedComplianceRuleOptions{RuleName: jsii.String("team-buckets-encrypted")})

	// The baseline's own SSH rule gives way to the remediated one above.
	rules := []monitoring.ComplianceRule{restrictedSSH}
	for _, rule := range *monitoring.BaselineRules_Recommended(nil) {
		if *rule.RuleName() != "incoming-ssh-disabled" {
			rules = append(rules, rule)
		}
	}

	monitoring.NewConfigMonitoringAgent(stack, jsii.String("Agent"), &monitoring.ConfigMonitoringAgentProps{
		CentralEventBus: centralBus(stack),
		Recording: monitoring.Recording_Create(&monitoring.RecordingOptions{
			Frequency:                 monitoring.RecordingFrequency_CONTINUOUS(),
			GlobalResourceTypesRegion: jsii.String(homeRegion),
			Delivery:                  monitoring.DeliveryDestination_NewBucket(&monitoring.NewBucketDeliveryOptions{EncryptionKey: encryptionKey}),
			AlarmTopic:                alarmTopic,
		}),
		Rules: &rules,
		ConformancePacks: &[]monitoring.ConformancePack{
			monitoring.ConformancePack_FromRules(jsii.String("team-baseline"), &[]monitoring.ComplianceRule{bucketsEncrypted}),
		},
		Forwarding: monitoring.EventForwarding_Enriched(&monitoring.EnrichedForwardingOptions{
			AccountName:                 jsii.String("workloads-" + *props.Env.Account),
			DropNotApplicable:           jsii.Bool(true),
			DropRelationshipOnlyChanges: jsii.Bool(true),
			Sampling: &[]monitoring.SamplingRule{
				monitoring.SamplingRule_ForResourceType(awsconfig.ResourceType_Of(jsii.String("AWS::SSM::ManagedInstanceInventory")), jsii.Number(0.1)),
			},
			Labels:        &map[string]*string{"environment": jsii.String("production")},
			EncryptionKey: encryptionKey,
		}),
	})
	return stack
}

// NewAdoptingAgentStack is a Control Tower account: its recorder and delivery channel exist already, so the agent
// adopts them.
func NewAdoptingAgentStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	monitoring.NewConfigMonitoringAgent(stack, jsii.String("Agent"), &monitoring.ConfigMonitoringAgentProps{
		CentralEventBus: centralBus(stack),
		Recording:       monitoring.Recording_AdoptExisting(),
	})
	return stack
}

// NewRolloutStack is the management account: the organization rollout (service-managed StackSets, auto-deployed to
// the OUs, direct forwarding, so no asset buckets), and the management account's own agent, which StackSets never
// reach.
func NewRolloutStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	bus := centralBus(stack)
	regions := jsii.Strings(agentRegions...)
	monitoring.NewConfigMonitoringRollout(stack, jsii.String("Rollout"), &monitoring.ConfigMonitoringRolloutProps{
		Agent: &monitoring.ConfigMonitoringAgentProps{
			CentralEventBus: bus,
			Rules:           monitoring.BaselineRules_Recommended(&monitoring.BaselineRulesOptions{IncludeAccountLevelRules: jsii.Bool(false)}),
		},
		// Global IAM types are recorded, and account-level rules deployed, in the home region only.
		HomeRegion:      jsii.String(homeRegion),
		HomeRegionRules: monitoring.BaselineRules_AccountLevel(),
		Targets: &[]*monitoring.RolloutTarget{
			// Accounts outside Control Tower: the agent creates the recorder. The recording account keeps its own
			// stacks.
			{
				OrganizationalUnitIds: jsii.Strings(workloadsOU),
				Regions:               regions,
				Accounts:              jsii.Strings(recordingAccount),
				AccountFilter:         monitoring.AccountFilter_DIFFERENCE,
			},
			// Accounts enrolled in Control Tower: the agent adopts Control Tower's recorder. The adopting account
			// keeps its own stacks.
			{
				OrganizationalUnitIds: jsii.Strings(controlTowerOU),
				Regions:               regions,
				Accounts:              jsii.Strings(adoptingAccount),
				AccountFilter:         monitoring.AccountFilter_DIFFERENCE,
				Recording:             monitoring.Recording_AdoptExisting(),
			},
		},
	})
	// This stack is in the home region: the account-level rules and the global resource types are recorded here.
	monitoring.NewConfigMonitoringAgent(stack, jsii.String("ManagementAccountAgent"), &monitoring.ConfigMonitoringAgentProps{
		CentralEventBus: bus,
		Rules:           monitoring.BaselineRules_Recommended(nil),
		Recording:       monitoring.Recording_Create(&monitoring.RecordingOptions{GlobalResourceTypesRegion: jsii.String(homeRegion)}),
	})
	return stack
}
