import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnTemplate } from '../../demo/local/dynamodb-from-template';
import { findMasterStack, masterTemplate, MasterTemplate, resourceCounts, SynthesizedStack } from '../../demo/local/example-app-synth';
import { eventSourceSettings, resolveHandlerEnvironment } from '../../demo/local/handler-environment';
import { startLocalMaster } from '../../demo/local/local-master';

const stack = (name: string, template: CfnTemplate): SynthesizedStack =>
  ({ name, template, resourceCounts: resourceCounts(template), resourceTotal: 0 });

describe('the example app\'s master template', () => {
  let master: MasterTemplate;
  beforeAll(() => { master = masterTemplate(fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-'))); });

  test('is the stack holding HandleConfigEvents, among every stack the app synthesizes', () => {
    expect(master.origin).toBe('example app, stack ConfigMonitoringMaster');
    expect(master.stacks.map((s) => s.name)).toContain('ConfigMonitoringMaster');
    expect(master.stacks.length).toBeGreaterThan(1);
    expect(master.handler.variables).toHaveProperty('COMPLIANCE_TABLE_NAME');
    expect(master.stacks.every((s) => s.templateFile && fs.existsSync(s.templateFile))).toBe(true);
  });

  test('gives the handler an environment resolved entirely to local stand-ins', () => {
    const tables = new Map(Object.entries(master.template.Resources!)
      .filter(([, r]) => r.Type === 'AWS::DynamoDB::GlobalTable' || r.Type === 'AWS::DynamoDB::Table').map(([id]) => [id, `local-${id}`]));

    const environment = resolveHandlerEnvironment(master.template, master.handler.variables, { tables, recordingEndpoint: 'http://127.0.0.1:9' });

    expect(Object.keys(environment)).toEqual(expect.arrayContaining(['COMPLIANCE_TABLE_NAME', 'EVENTS_TABLE_NAME', 'NOTIFICATION_TOPIC_ARN', 'DEAD_LETTER_QUEUE_URL', 'HISTORY_RETENTION_DAYS']));
    expect(environment.COMPLIANCE_TABLE_NAME).toMatch(/^local-/);
    expect(environment.NOTIFICATION_TOPIC_ARN).toMatch(/^arn:aws:sns:us-east-1:111111111111:/);
    expect(environment.DEAD_LETTER_QUEUE_URL).toMatch(/^http:\/\/127\.0\.0\.1:9\/111111111111\//);
  });

  test('tells the batch size and redrive the construct gives the event source', () => {
    const settings = eventSourceSettings(master.template, master.handler.logicalId);

    expect(settings?.batchSize).toBe(100);
    expect(settings?.maxReceiveCount).toEqual(expect.any(Number));
  });
});

describe('fails clearly instead of falling back', () => {
  test('fails when no stack has the HandleConfigEvents function, naming the stacks searched', () => {
    const stacks = [stack('AgentOnly', { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { OTHER: 'x' } } } } } })];

    expect(() => findMasterStack(stacks)).toThrow(
      'no stack of the example app (AgentOnly) has a Lambda function with COMPLIANCE_TABLE_NAME and EVENTS_TABLE_NAME: '
      + 'the demo and the benchmark need the master\'s HandleConfigEvents function');
  });

  test('fails when a handler variable points at something with no local stand-in', () => {
    const template: CfnTemplate = { Resources: { Key: { Type: 'AWS::KMS::Key' } } };

    expect(() => resolveHandlerEnvironment(template, { KEY_ARN: { 'Fn::GetAtt': ['Key', 'Arn'] } }, { tables: new Map(), recordingEndpoint: 'http://x' }))
      .toThrow('cannot resolve KEY_ARN: {"Fn::GetAtt":["Key","Arn"]} points at Key (AWS::KMS::Key)');
  });

  test('fails when the local master is started on a template without the handler function', async () => {
    const start = startLocalMaster({ template: { Resources: {} }, bundle: 'unused.js' });

    await expect(start).rejects.toThrow('the template has no Lambda function with COMPLIANCE_TABLE_NAME and EVENTS_TABLE_NAME');
  });
});
