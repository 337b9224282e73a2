import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, PolicyViolation, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { buildExampleApp } from '../../demo/example-app';
import { ConfigMonitoringMaster } from '../../src';

// cdk-nag 3.0.2 reads the construct tree from `appConstruct` on the validation context, which aws-cdk-lib 2.257
// does not provide yet: `Validations.of(app).addPlugins(new AwsSolutionsChecks(app))` reports the plugin itself as
// failed. `validateScope()` is cdk-nag's documented entry point for that case; it honours the same acknowledgements.
function nag(app: App): PolicyViolation[] {
  app.synth();
  return new AwsSolutionsChecks().validateScope(app).violations;
}

function describeViolations(violations: PolicyViolation[]): string[] {
  return violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));
}

/** Every acknowledgement in the tree: where, which rule, why. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string; construct: IConstruct }[] {
  return root.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>)
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason, construct }))));
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag AwsSolutions over the example app', () => {
  // Prepare: one synth of the whole example organization.
  const app = buildExampleApp(path.join(outdir, 'example'));
  const violations = nag(app);

  test('no unacknowledged errors or warnings', () => {
    expect(describeViolations(violations)).toEqual([]);
  });

  test('every acknowledgement sits on a resource construct, never on a stack or the app, and says why', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(Stack.isStack(ack.construct) || App.isApp(ack.construct)).toBe(false);
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });

  test('the acknowledgements are exactly the expected ones', () => {
    const acks = acknowledgements(app).map((ack) => `${ack.id} at ${ack.path}`).sort();
    expect(acks).toEqual([
      'AwsSolutions-SQS3 at ConfigMonitoringAgent-222222222222-eu-west-1/Agent/DeadLetterQueue',
      'AwsSolutions-SQS3 at ConfigMonitoringAgent-222222222222-us-east-1/Agent/DeadLetterQueue',
      'AwsSolutions-SQS3 at ConfigMonitoringAgent-333333333333-eu-west-1/Agent/DeadLetterQueue',
      'AwsSolutions-SQS3 at ConfigMonitoringAgent-333333333333-us-east-1/Agent/DeadLetterQueue',
    ]);
  });

  test('the acknowledgement hides nothing else: without it, only SQS3 on the agent dead-letter queues remains', () => {
    // Prepare: the same app, acknowledgements removed from the metadata (test only: constructs offers no public
    // way to remove metadata), so that an acknowledgement that no longer hides anything is noticed.
    const bare = buildExampleApp(path.join(outdir, 'bare'));
    for (const construct of bare.node.findAll()) {
      const kept = construct.node.metadata.filter((e) => e.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
      if (kept.length !== construct.node.metadata.length) {
        (construct.node as unknown as { _metadata: unknown[] })._metadata = kept;
      }
    }
    const found = describeViolations(nag(bare));
    expect(found).toHaveLength(4);
    for (const line of found) {
      expect(line).toMatch(/^error AwsSolutions-SQS3 at ConfigMonitoringAgent-\d{12}-[a-z0-9-]+\/Agent\/DeadLetterQueue\/Resource$/);
    }
  });
});

describe('cdk-nag AwsSolutions over other master configurations', () => {
  test('defaults (no customer-managed key), accounts list, own topic and own bus: no findings', () => {
    const app = new App({ outdir: path.join(outdir, 'variants') });
    const env = { account: '111111111111', region: 'eu-west-1' };
    new ConfigMonitoringMaster(new Stack(app, 'Defaults', { env }), 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });
    const own = new Stack(app, 'Own', { env });
    new ConfigMonitoringMaster(own, 'Monitoring', {
      agentAccounts: ['222222222222', '333333333333'],
      eventBus: new events.EventBus(own, 'SharedBus', { eventBusName: 'shared' }),
      notificationTopic: new sns.Topic(own, 'Topic', { enforceSSL: true }),
    });
    expect(describeViolations(nag(app))).toEqual([]);
  });
});
