package io.github.cdkconfigmonitoring.example;

import java.util.List;

import io.github.cdkconfigmonitoring.ComplianceAggregator;
import io.github.cdkconfigmonitoring.ComplianceApiOptions;
import io.github.cdkconfigmonitoring.ComplianceDashboardOptions;
import io.github.cdkconfigmonitoring.ConfigMonitoringMaster;
import io.github.cdkconfigmonitoring.DailyReportOptions;
import io.github.cdkconfigmonitoring.HistoryArchiveOptions;
import io.github.cdkconfigmonitoring.OrganizationManagedRuleOptions;
import io.github.cdkconfigmonitoring.OrganizationRule;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.config.ManagedRuleIdentifiers;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** The central account, with every master feature on. */
public final class MasterStack extends Stack {
    private final ConfigMonitoringMaster monitoring;

    public MasterStack(final Construct scope, final String id, final StackProps props) {
        super(scope, id, props);
        Key encryptionKey = ExampleOrganization.monitoringKey(this,
                "Encrypts the config-monitoring tables, queues, topics, buckets and logs");
        Topic alarmTopic = Topic.Builder.create(this, "AlarmTopic").masterKey(encryptionKey).enforceSsl(true).build();
        this.monitoring = ConfigMonitoringMaster.Builder.create(this, "Monitoring")
                .organizationId(ExampleOrganization.ORGANIZATION_ID)
                .encryptionKey(encryptionKey)
                .aggregator(ComplianceAggregator.organization())
                .dailyReport(DailyReportOptions.builder().build())
                .historyArchive(HistoryArchiveOptions.builder().build())
                .complianceApi(ComplianceApiOptions.builder().build())
                .dashboard(ComplianceDashboardOptions.builder().alarmTopic(alarmTopic).build())
                .organizationRules(List.of(OrganizationRule.managed(ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED,
                        OrganizationManagedRuleOptions.builder().ruleName("org-cloudtrail-enabled").build())))
                .build();
    }

    public ConfigMonitoringMaster getMonitoring() {
        return monitoring;
    }
}
