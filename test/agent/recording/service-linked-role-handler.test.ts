import { SERVICE_LINKED_ROLE_HANDLER } from '../../../src/agent/recording/service-linked-role-handler';

// The inline function behind Custom::ConfigServiceLinkedRole, run as Lambda would load index.js, with the IAM client
// and https replaced by fakes that record what the function asked and what it answered CloudFormation.

interface Answer { Status: string; Reason: string; PhysicalResourceId: string; RequestId: string; LogicalResourceId: string; StackId: string }

function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function load(iamAnswers: Record<string, (input: any) => unknown>) {
  const calls: { command: string; input: any }[] = [];
  const answers: { url: string; method: string; body: Answer }[] = [];
  const commands = ['CreateServiceLinkedRoleCommand', 'GetRoleCommand'];
  const iamModule: Record<string, unknown> = {
    IAMClient: class {
      async send(command: { name: string; input: any }) {
        calls.push({ command: command.name, input: command.input });
        return iamAnswers[command.name](command.input);
      }
    },
  };
  for (const name of commands) {
    iamModule[name] = class { readonly name = name; constructor(readonly input: unknown) {} };
  }
  const https = {
    request: (url: string, options: { method: string }, onResponse: (r: any) => void) => {
      let body = '';
      const request = {
        on: () => request,
        end: (data: string) => {
          body = data;
          answers.push({ url, method: options.method, body: JSON.parse(body) });
          onResponse({ resume: () => undefined, on: (_: string, done: () => void) => done() });
        },
      };
      return request;
    },
  };
  const fakeRequire = (name: string) => {
    if (name === '@aws-sdk/client-iam') return iamModule;
    if (name === 'https') return https;
    throw new Error(`the inline function requires ${name}, which the nodejs24.x runtime may not have`);
  };
  const module = { exports: {} as { handler?: (event: unknown, context: unknown) => Promise<void> } };
  new Function('require', 'exports', 'module', SERVICE_LINKED_ROLE_HANDLER)(fakeRequire, module.exports, module);
  return { handler: module.exports.handler!, calls, answers };
}

const context = { getRemainingTimeInMillis: () => 120_000 };
const event = (requestType: string) => ({
  RequestType: requestType,
  ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/signed',
  StackId: 'arn:aws:cloudformation:us-east-1:222222222222:stack/agent/1',
  RequestId: 'req-1',
  LogicalResourceId: 'RecordingServiceLinkedRoleCreation',
  ResourceType: 'Custom::ConfigServiceLinkedRole',
});
const CONFIG_ROLE = { Role: { RoleName: 'AWSServiceRoleForConfig', Path: '/aws-service-role/config.amazonaws.com/' } };

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

test('fits inline: ZipFile code stays under 4096 characters and needs only the runtime\'s own modules', () => {
  expect(SERVICE_LINKED_ROLE_HANDLER.length).toBeLessThan(4096);
  expect([...SERVICE_LINKED_ROLE_HANDLER.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]).sort()).toEqual(['@aws-sdk/client-iam', 'https']);
});

test('Create: creates the role for config.amazonaws.com and answers SUCCESS with a stable physical id', async () => {
  const { handler, calls, answers } = load({ CreateServiceLinkedRoleCommand: () => ({ Role: CONFIG_ROLE.Role }) });
  await handler(event('Create'), context);
  expect(calls).toEqual([{ command: 'CreateServiceLinkedRoleCommand', input: { AWSServiceName: 'config.amazonaws.com' } }]);
  expect(answers).toHaveLength(1);
  expect(answers[0].method).toBe('PUT');
  expect(answers[0].url).toBe(event('Create').ResponseURL);
  expect(answers[0].body).toMatchObject({
    Status: 'SUCCESS',
    PhysicalResourceId: 'AWSServiceRoleForConfig',
    RequestId: 'req-1',
    LogicalResourceId: 'RecordingServiceLinkedRoleCreation',
    StackId: event('Create').StackId,
  });
});

test('Create where the role exists ("has been taken"): checks it is AWS Config\'s role, then SUCCESS', async () => {
  const { handler, calls, answers } = load({
    CreateServiceLinkedRoleCommand: () => { throw awsError('InvalidInputException', 'Service role name AWSServiceRoleForConfig has been taken in this account, please try a different suffix.'); },
    GetRoleCommand: () => CONFIG_ROLE,
  });
  await handler(event('Create'), context);
  expect(calls.map((c) => c.command)).toEqual(['CreateServiceLinkedRoleCommand', 'GetRoleCommand']);
  expect(calls[1].input).toEqual({ RoleName: 'AWSServiceRoleForConfig' });
  expect(answers[0].body.Status).toBe('SUCCESS');
  expect(answers[0].body.Reason).toMatch(/existed/);
});

test('Update re-creates the role when someone deleted it in between', async () => {
  const { handler, calls, answers } = load({ CreateServiceLinkedRoleCommand: () => ({}) });
  await handler(event('Update'), context);
  expect(calls.map((c) => c.command)).toEqual(['CreateServiceLinkedRoleCommand']);
  expect(answers[0].body.Status).toBe('SUCCESS');
});

test('InvalidInput that is not the existing Config role is a failure, answered as FAILED with the reason', async () => {
  const { handler, answers } = load({
    CreateServiceLinkedRoleCommand: () => { throw awsError('InvalidInput', 'something else'); },
    GetRoleCommand: () => ({ Role: { RoleName: 'AWSServiceRoleForConfig', Path: '/' } }),
  });
  await handler(event('Create'), context);
  expect(answers[0].body).toMatchObject({ Status: 'FAILED', Reason: 'InvalidInput: something else' });
});

test('any other error (access denied, throttling) is answered as FAILED, never left unanswered', async () => {
  const { handler, answers } = load({ CreateServiceLinkedRoleCommand: () => { throw awsError('AccessDenied', 'not allowed'); } });
  await handler(event('Create'), context);
  expect(answers).toHaveLength(1);
  expect(answers[0].body).toMatchObject({ Status: 'FAILED', Reason: 'AccessDenied: not allowed' });
});

test('a call that hangs is answered as FAILED before Lambda\'s timeout', async () => {
  const { handler, answers } = load({ CreateServiceLinkedRoleCommand: () => new Promise(() => undefined) });
  await handler(event('Create'), { getRemainingTimeInMillis: () => 1000 });
  expect(answers[0].body).toMatchObject({ Status: 'FAILED', Reason: 'Error: timed out' });
});

test('Delete never deletes the role (shared, and perhaps not created by this stack) and answers SUCCESS', async () => {
  const { handler, calls, answers } = load({});
  await handler(event('Delete'), context);
  expect(calls).toEqual([]);
  expect(answers[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'AWSServiceRoleForConfig' });
});
