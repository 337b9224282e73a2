package io.github.cdkconfigmonitoring.example;

import io.github.cdkconfigmonitoring.ConfigMonitoringAgent;
import io.github.cdkconfigmonitoring.Recording;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** A Control Tower account: its recorder and delivery channel exist already, so the agent adopts them. */
public final class AdoptingAgentStack extends Stack {
    private final ConfigMonitoringAgent agent;

    public AdoptingAgentStack(final Construct scope, final String id, final StackProps props) {
        super(scope, id, props);
        this.agent = ConfigMonitoringAgent.Builder.create(this, "Agent")
                .centralEventBus(ExampleOrganization.centralBus(this))
                .recording(Recording.adoptExisting())
                .build();
    }

    public ConfigMonitoringAgent getAgent() {
        return agent;
    }
}
