package io.github.cdkconfigmonitoring.example;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.cdkconfigmonitoring.AutomaticRemediationOptions;
import io.github.cdkconfigmonitoring.BaselineRules;
import io.github.cdkconfigmonitoring.ComplianceRule;
import io.github.cdkconfigmonitoring.ConfigMonitoringAgent;
import io.github.cdkconfigmonitoring.ConformancePack;
import io.github.cdkconfigmonitoring.DeliveryDestination;
import io.github.cdkconfigmonitoring.EnrichedForwardingOptions;
import io.github.cdkconfigmonitoring.EventForwarding;
import io.github.cdkconfigmonitoring.ManagedComplianceRuleOptions;
import io.github.cdkconfigmonitoring.NewBucketDeliveryOptions;
import io.github.cdkconfigmonitoring.Recording;
import io.github.cdkconfigmonitoring.RecordingFrequency;
import io.github.cdkconfigmonitoring.RecordingOptions;
import io.github.cdkconfigmonitoring.Remediation;
import io.github.cdkconfigmonitoring.RemediationDocument;
import io.github.cdkconfigmonitoring.SamplingRule;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.config.ManagedRuleIdentifiers;
import software.amazon.awscdk.services.config.ResourceType;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** A member account recording with its own recorder, rules, a conformance pack and the enriching forwarder. */
public final class RecordingAgentStack extends Stack {
    private final ConfigMonitoringAgent agent;

    public RecordingAgentStack(final Construct scope, final String id, final StackProps props) {
        super(scope, id, props);
        Key encryptionKey = ExampleOrganization.monitoringKey(this,
                "Encrypts the AWS Config delivery bucket and the forwarder");
        Topic alarmTopic = Topic.Builder.create(this, "AlarmTopic").masterKey(encryptionKey).enforceSsl(true).build();
        ComplianceRule restrictedSsh = ComplianceRule.managed(
                ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED,
                ManagedComplianceRuleOptions.builder()
                        .ruleName("restricted-ssh")
                        .remediation(Remediation.automatic(AutomaticRemediationOptions.builder()
                                .document(RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22)
                                .build()))
                        .build());
        ComplianceRule bucketsEncrypted = ComplianceRule.managed(
                ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED,
                ManagedComplianceRuleOptions.builder().ruleName("team-buckets-encrypted").build());

        // The baseline's own SSH rule gives way to the remediated one above.
        List<ComplianceRule> rules = new ArrayList<>(List.of(restrictedSsh));
        BaselineRules.recommended().stream()
                .filter(rule -> !rule.getRuleName().equals("incoming-ssh-disabled"))
                .forEach(rules::add);

        this.agent = ConfigMonitoringAgent.Builder.create(this, "Agent")
                .centralEventBus(ExampleOrganization.centralBus(this))
                .recording(Recording.create(RecordingOptions.builder()
                        .frequency(RecordingFrequency.CONTINUOUS)
                        .globalResourceTypesRegion(ExampleOrganization.HOME_REGION)
                        .delivery(DeliveryDestination.newBucket(
                                NewBucketDeliveryOptions.builder().encryptionKey(encryptionKey).build()))
                        .alarmTopic(alarmTopic)
                        .build()))
                .rules(rules)
                .conformancePacks(List.of(ConformancePack.fromRules("team-baseline", List.of(bucketsEncrypted))))
                .forwarding(EventForwarding.enriched(EnrichedForwardingOptions.builder()
                        .accountName("workloads-" + props.getEnv().getAccount())
                        .dropNotApplicable(true)
                        .dropRelationshipOnlyChanges(true)
                        .sampling(List.of(SamplingRule.forResourceType(
                                ResourceType.of("AWS::SSM::ManagedInstanceInventory"), 0.1)))
                        .labels(Map.of("environment", "production"))
                        .encryptionKey(encryptionKey)
                        .build()))
                .build();
    }

    public ConfigMonitoringAgent getAgent() {
        return agent;
    }
}
