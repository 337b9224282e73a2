import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ComplianceAggregator, ConfigMonitoringMaster, type ConfigMonitoringMasterProps } from '../../src';

function synth(props: Partial<ConfigMonitoringMasterProps> = {}) {
  const stack = new Stack(new App(), 'Master', { env: { account: '111111111111', region: 'eu-west-1' } });
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', ...props });
  return { stack, master };
}

/** The actions of the alarm with that logical id, as synthesized. */
function alarmActions(stack: Stack, alarmLogicalId: string): unknown {
  return Template.fromStack(stack).toJSON().Resources[alarmLogicalId].Properties.AlarmActions;
}

describe('the master exposes its alarms for your own actions', () => {
  test('an action added to each exposed alarm shows on that alarm in the template', () => {
    const { stack, master } = synth({ aggregator: ComplianceAggregator.organization() });
    const pager = new sns.Topic(stack, 'Pager');
    const exposed = [master.deadLetterAlarm, master.handlerErrorsAlarm, master.silentAccountsAlarm, master.reconciliationDriftAlarm!,
      master.activityCheckErrorsAlarm];
    exposed.forEach((alarm) => alarm.addAlarmAction(new cloudwatchActions.SnsAction(pager)));

    const pagerRef = { Ref: stack.getLogicalId(pager.node.defaultChild as sns.CfnTopic) };
    for (const [alarm, idPart] of [[exposed[0], 'DeadLetterAlarm'], [exposed[1], 'HandlerErrorsAlarm'],
      [exposed[2], 'SilentAccountsAlarm'], [exposed[3], 'ReconciliationDriftAlarm'], [exposed[4], 'ActivityCheckErrorsAlarm']] as const) {
      const logicalId = stack.getLogicalId(alarm.node.defaultChild as any);
      expect(logicalId).toContain(idPart);
      expect(alarmActions(stack, logicalId)).toEqual([pagerRef]);
    }
  });

  test('alarms lists every alarm of the template, the drift alarm only with reconciliation, the coverage ones only with fleet coverage', () => {
    const cases: [Partial<ConfigMonitoringMasterProps>, number][] = [
      [{}, 4],
      [{ aggregator: ComplianceAggregator.organization() }, 5],
      [{ fleetCoverage: { regions: ['eu-west-1'] } }, 6],
    ];
    for (const [props, count] of cases) {
      const { stack, master } = synth(props);
      const inTemplate = Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));

      expect(master.alarms.map((alarm) => stack.getLogicalId(alarm.node.defaultChild as any)).sort()).toEqual(inTemplate.sort());
      expect(master.alarms).toHaveLength(count);
      expect(master.neverReportedAlarm !== undefined).toBe('fleetCoverage' in props);
      expect(master.coverageTruncatedAlarm !== undefined).toBe('fleetCoverage' in props);
    }
  });

  test('without reconciliation there is no drift alarm', () => {
    expect(synth().master.reconciliationDriftAlarm).toBeUndefined();
  });
});
