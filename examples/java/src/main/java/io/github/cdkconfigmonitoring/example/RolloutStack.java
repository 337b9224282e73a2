package io.github.cdkconfigmonitoring.example;

import java.util.List;

import io.github.cdkconfigmonitoring.AccountFilter;
import io.github.cdkconfigmonitoring.BaselineRules;
import io.github.cdkconfigmonitoring.BaselineRulesOptions;
import io.github.cdkconfigmonitoring.ConfigMonitoringAgent;
import io.github.cdkconfigmonitoring.ConfigMonitoringAgentProps;
import io.github.cdkconfigmonitoring.ConfigMonitoringRollout;
import io.github.cdkconfigmonitoring.Recording;
import io.github.cdkconfigmonitoring.RecordingOptions;
import io.github.cdkconfigmonitoring.RolloutTarget;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.IEventBus;
import software.constructs.Construct;

/**
 * The management account: the organization rollout (service-managed StackSets, auto-deployed to the OUs, direct
 * forwarding, so no asset buckets), and the management account's own agent, which StackSets never reach.
 */
public final class RolloutStack extends Stack {
    private final ConfigMonitoringRollout rollout;
    private final ConfigMonitoringAgent agent;

    public RolloutStack(final Construct scope, final String id, final StackProps props) {
        super(scope, id, props);
        IEventBus centralEventBus = ExampleOrganization.centralBus(this);
        this.rollout = ConfigMonitoringRollout.Builder.create(this, "Rollout")
                .agent(ConfigMonitoringAgentProps.builder()
                        .centralEventBus(centralEventBus)
                        .rules(BaselineRules.recommended(BaselineRulesOptions.builder()
                                .includeAccountLevelRules(false)
                                .build()))
                        .build())
                // Global IAM types are recorded, and account-level rules deployed, in the home region only.
                .homeRegion(ExampleOrganization.HOME_REGION)
                .homeRegionRules(BaselineRules.accountLevel())
                .targets(List.of(
                        // Accounts outside Control Tower: the agent creates the recorder. The recording account keeps
                        // its own stacks.
                        RolloutTarget.builder()
                                .organizationalUnitIds(List.of(ExampleOrganization.WORKLOADS_OU))
                                .regions(ExampleOrganization.AGENT_REGIONS)
                                .accounts(List.of(ExampleOrganization.RECORDING_ACCOUNT))
                                .accountFilter(AccountFilter.DIFFERENCE)
                                .build(),
                        // Accounts enrolled in Control Tower: the agent adopts Control Tower's recorder. The adopting
                        // account keeps its own stacks.
                        RolloutTarget.builder()
                                .organizationalUnitIds(List.of(ExampleOrganization.CONTROL_TOWER_OU))
                                .regions(ExampleOrganization.AGENT_REGIONS)
                                .accounts(List.of(ExampleOrganization.ADOPTING_ACCOUNT))
                                .accountFilter(AccountFilter.DIFFERENCE)
                                .recording(Recording.adoptExisting())
                                .build()))
                .build();
        // This stack is in the home region: the account-level rules and the global resource types are recorded here.
        this.agent = ConfigMonitoringAgent.Builder.create(this, "ManagementAccountAgent")
                .centralEventBus(centralEventBus)
                .rules(BaselineRules.recommended())
                .recording(Recording.create(RecordingOptions.builder()
                        .globalResourceTypesRegion(ExampleOrganization.HOME_REGION)
                        .build()))
                .build();
    }

    public ConfigMonitoringRollout getRollout() {
        return rollout;
    }

    public ConfigMonitoringAgent getAgent() {
        return agent;
    }
}
