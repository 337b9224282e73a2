package io.github.cdkconfigmonitoring.example;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The example organization: one master stack, an agent stack per member account and region, and the management
 * account's rollout to the organization's OUs, synthesized into CDK_OUTDIR (or cdk.out), as {@code cdk synth} would.
 *
 * <p>Every stack names its environment and no stack references another: each deploys on its own, in its own account.
 */
public final class ExampleApp {
    private ExampleApp() {
    }

    private static StackProps in(final String account, final String region) {
        return StackProps.builder().env(Environment.builder().account(account).region(region).build()).build();
    }

    public static void main(final String[] args) {
        App app = new App();
        new MasterStack(app, "ConfigMonitoringMaster",
                in(ExampleOrganization.MASTER_ACCOUNT, ExampleOrganization.MASTER_REGION));
        for (String region : ExampleOrganization.AGENT_REGIONS) {
            String recording = ExampleOrganization.RECORDING_ACCOUNT;
            String adopting = ExampleOrganization.ADOPTING_ACCOUNT;
            new RecordingAgentStack(app, "ConfigMonitoringAgent-" + recording + "-" + region, in(recording, region));
            new AdoptingAgentStack(app, "ConfigMonitoringAgent-" + adopting + "-" + region, in(adopting, region));
        }
        new RolloutStack(app, "ConfigMonitoringRollout",
                in(ExampleOrganization.MANAGEMENT_ACCOUNT, ExampleOrganization.MANAGEMENT_REGION));
        app.synth();
    }
}
