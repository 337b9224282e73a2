import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { createDeadLetterQueue, type DeadLetterQueueOptions } from '../../src/common/dead-letter-queue';

function synth(options: DeadLetterQueueOptions | ((stack: Stack) => DeadLetterQueueOptions) = {}) {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const queue = createDeadLetterQueue(stack, typeof options === 'function' ? options(stack) : options);
  return { queue, template: Template.fromStack(stack) };
}

test('SQS-managed encryption, 14 days, any queue of the account may redrive to it, TLS only', () => {
  const { template } = synth();

  template.hasResourceProperties('AWS::SQS::Queue', {
    SqsManagedSseEnabled: true,
    MessageRetentionPeriod: 1_209_600,
    RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    KmsMasterKeyId: Match.absent(),
  });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
  });
});

test('a customer-managed key encrypts it', () => {
  const { template } = synth((stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }));

  template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
});

test('SQS3 is acknowledged only with a reason', () => {
  const acknowledged = (options: DeadLetterQueueOptions) => synth(options).queue.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as object).map((id) => id.replace(/^annotation::/i, '')));

  expect(acknowledged({})).toEqual([]);
  expect(acknowledged({ notRecognisedReason: 'The target of an EventBridge DeadLetterConfig, which cdk-nag cannot see.' })).toEqual(['AwsSolutions-SQS3']);
});
