package io.github.cdkconfigmonitoring.example;

import io.github.cdkconfigmonitoring.ConfigMonitoringMaster;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/** The smallest app: a master for an organization (the README's Install section shows this file). */
public final class MinimalApp {
    private MinimalApp() {
    }

    public static void main(final String[] args) {
        App app = new App();
        Stack stack = new Stack(app, "Monitoring", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build())
                .build());
        ConfigMonitoringMaster.Builder.create(stack, "Master").organizationId("o-a1b2c3d4e5").build();
        app.synth();
    }
}
