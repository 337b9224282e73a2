package io.github.cdkconfigmonitoring.example;

import java.util.List;
import java.util.Map;

import io.github.cdkconfigmonitoring.ConfigMonitoringMaster;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/** The example organization's accounts and regions, and the pieces every stack shares. */
final class ExampleOrganization {
    static final String MASTER_ACCOUNT = "111111111111";
    static final String MASTER_REGION = "eu-west-1";
    static final String ORGANIZATION_ID = "o-a1b2c3d4e5";

    /** Records with the agent's own recorder and forwards through the enriching function. */
    static final String RECORDING_ACCOUNT = "222222222222";
    /** A Control Tower account whose recorder the agent adopts, forwarding directly. */
    static final String ADOPTING_ACCOUNT = "333333333333";
    static final List<String> AGENT_REGIONS = List.of("eu-west-1", "us-east-1");

    /** The region where global resource types (IAM) are recorded. */
    static final String HOME_REGION = "eu-west-1";

    /** The management account, where the organization rollout deploys from. */
    static final String MANAGEMENT_ACCOUNT = "999999999999";
    static final String MANAGEMENT_REGION = "eu-west-1";
    /** The OUs the rollout targets: accounts outside Control Tower, and accounts enrolled in it. */
    static final String WORKLOADS_OU = "ou-ab12-workloads1";
    static final String CONTROL_TOWER_OU = "ou-ab12-controltower";

    private ExampleOrganization() {
    }

    /** A customer-managed key that only lets AWS services create grants (Control Tower's CT.KMS.PR.3). */
    static Key monitoringKey(final Construct scope, final String description) {
        Key key = Key.Builder.create(scope, "MonitoringKey").description(description).enableKeyRotation(true).build();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("DenyGrantsExceptForAwsResources")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("kms:CreateGrant"))
                .resources(List.of("*"))
                .conditions(Map.of("BoolIfExists",
                        Map.of("kms:GrantIsForAWSResource", "false", "aws:PrincipalIsAWSService", "false")))
                .build());
        return key;
    }

    /** The master's bus, addressed by ARN: no stack references another. */
    static IEventBus centralBus(final Construct scope) {
        return EventBus.fromEventBusArn(scope, "CentralBus",
                ConfigMonitoringMaster.eventBusArn(MASTER_ACCOUNT, MASTER_REGION));
    }
}
