import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ACCOUNT_INDEX_NAME, RULE_INDEX_NAME, STATUS_INDEX_NAME } from '../../../src/contract/table-names';
import { ComplianceApi } from '../../../src/master/api/compliance-api';
import { ComplianceIndex } from '../../../src/master/compliance-index';
import { ROUTES } from '../../../src/runtime/api/router';
import { acknowledgements, describeViolations, guard, nag } from '../../support/policy-checks';

const env = { account: '111111111111', region: 'eu-west-1' };

function tables(stack: Stack) {
  const common = {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  };
  return {
    indexes: [ComplianceIndex.BY_ACCOUNT, ComplianceIndex.BY_RULE],
    complianceTable: new dynamodb.TableV2(stack, 'ComplianceTable', common),
    eventsTable: new dynamodb.TableV2(stack, 'EventsTable', common),
  };
}

function build(props: Partial<ConstructorParameters<typeof ComplianceApi>[2]> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Master', { env });
  const api = new ComplianceApi(stack, 'ComplianceApi', { ...tables(stack), ...props });
  return { app, stack, api, template: Template.fromStack(stack) };
}

describe('ComplianceApi defaults', () => {
  const { stack, template } = build();

  test('a regional REST API', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  test('four GET methods, every one IAM-authorized and validated, and no other method', () => {
    const methods = template.findResources('AWS::ApiGateway::Method');
    expect(Object.values(methods)).toHaveLength(4);
    for (const method of Object.values(methods)) {
      expect(method.Properties).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'AWS_IAM', RequestValidatorId: expect.anything() });
    }
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true, ValidateRequestBody: true });
  });

  test('the routes are exactly those the handler routes (GET /coverage only with fleet coverage)', () => {
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart);
    const { coverage, ...withoutCoverage } = ROUTES;
    const fromRoutes = new Set(Object.values(withoutCoverage).flatMap((route) => route.split('/').filter(Boolean)));
    expect(new Set(paths)).toEqual(fromRoutes);
    expect(paths).not.toContain(coverage.slice(1));
  });

  test('query and path parameters are declared (path required, query optional)', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      RequestParameters: {
        'method.request.querystring.status': false,
        'method.request.querystring.rule': false,
        'method.request.querystring.limit': false,
        'method.request.querystring.nextToken': false,
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      RequestParameters: {
        'method.request.path.account': true,
        'method.request.path.resourceId': true,
        'method.request.querystring.nextToken': false,
      },
    });
  });

  test('stage v1: throttled at 50/100, access logs as JSON, error-only execution logs without payloads, X-Ray', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"caller":"\\$context.identity.caller"') },
      MethodSettings: [{
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      }],
    });
  });

  test('log groups keep one year; the execution log group exists before the stage', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365 }, 3);
    const stages = template.findResources('AWS::ApiGateway::Stage');
    const executionLogGroup = Object.entries(template.findResources('AWS::Logs::LogGroup'))
      .find(([, r]) => JSON.stringify(r.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'))!;
    expect(Object.values(stages)[0].DependsOn).toContain(executionLogGroup[0]);
  });

  test('the account CloudWatch role is created (API Gateway needs it to write logs)', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  test('one arm64 function on nodejs24.x with the table names in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Timeout: 28,
      Environment: { Variables: { COMPLIANCE_TABLE_NAME: Match.anyValue(), EVENTS_TABLE_NAME: Match.anyValue() } },
    });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('one invoke permission per method, none for console test invocations', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(4);
    for (const permission of permissions) {
      expect(permission.Properties.SourceAccount).toBe('111111111111');
      expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/DeploymentStagev1[0-9A-F]{8}"},"\/GET\//);
    }
  });

  test('the function role reads only: Query and BatchGetItem on the table, Query on the three indexes and the history', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('HandlerRole'));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Query', 'logs:CreateLogStream', 'logs:PutLogEvents'].sort());
    expect(actions).not.toContain('dynamodb:Scan');
    const resolved = JSON.stringify(stack.resolve(statements));
    for (const index of [STATUS_INDEX_NAME, ACCOUNT_INDEX_NAME, RULE_INDEX_NAME]) expect(resolved).toContain(`/index/${index}`);
    expect(resolved).not.toContain('/index/*');
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), AssumeRolePolicyDocument: Match.objectLike({}) });
  });

  test('with only the rule index, the role reads only the indexes that exist and the function is told which', () => {
    const own = build({ indexes: [ComplianceIndex.BY_RULE] });
    const policies = Object.values(own.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('HandlerRole'));
    const resolved = JSON.stringify(own.stack.resolve(policies[0].Properties.PolicyDocument.Statement));
    expect(resolved).toContain(`/index/${RULE_INDEX_NAME}`);
    expect(resolved).toContain(`/index/${STATUS_INDEX_NAME}`);
    expect(resolved).not.toContain(ACCOUNT_INDEX_NAME);
    own.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SCOPE_INDEXES: 'BY_RULE' }) } });
  });

  test('grantInvoke allows execute-api:Invoke on exactly the four methods of the stage', () => {
    const own = new Stack(new App(), 'Own', { env });
    const ownApi = new ComplianceApi(own, 'ComplianceApi', tables(own));
    const role = new iam.Role(own, 'Dashboard', { assumedBy: new iam.AccountRootPrincipal() });
    ownApi.grantInvoke(role);
    const policy = Object.values(Template.fromStack(own).findResources('AWS::IAM::Policy'))
      .find((p) => JSON.stringify(p.Properties.Roles).includes('Dashboard'))!;
    const [statement] = policy.Properties.PolicyDocument.Statement;
    expect(statement.Action).toBe('execute-api:Invoke');
    const resources = (statement.Resource as unknown[]).map((r) => JSON.stringify(r));
    expect(resources).toHaveLength(4);
    for (const suffix of ['/v1/GET/compliance', '/v1/GET/summary', '/v1/GET/resources/*/*/*/*', '/v1/GET/resources/*/*/*/*/history']) {
      expect(resources.some((r) => r.endsWith(`${suffix}"]]}`))).toBe(true);
    }
  });

  test('no web ACL is associated', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});

describe('ComplianceApi overrides', () => {
  test('throttling limits', () => {
    const { template } = build({ throttlingRateLimit: 5, throttlingBurstLimit: 10 });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })],
    });
  });

  test('a web ACL is associated with the stage', () => {
    const webAclArn = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/api/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
    const { template } = build({ webAclArn });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: webAclArn, ResourceArn: Match.anyValue() });
  });

  test('cloudWatchRole false leaves the account setting alone', () => {
    const { template } = build({ cloudWatchRole: false });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  test('a customer-managed key encrypts the log groups and lets the function decrypt the tables', () => {
    const app = new App();
    const stack = new Stack(app, 'Master', { env });
    const key = new kms.Key(stack, 'Key');
    new ComplianceApi(stack, 'ComplianceApi', { ...tables(stack), encryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() }, 3);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:Decrypt', 'kms:DescribeKey'] })]) },
    });
  });

  test('removal policy applies to the log groups', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
    expect(Object.values(template.findResources('AWS::Logs::LogGroup')).every((r) => r.DeletionPolicy === 'Delete')).toBe(true);
  });
});

describe('ComplianceApi validation', () => {
  test.each([
    [{ throttlingRateLimit: 0 }, 'throttlingRateLimit must be an integer from 1 to 10000, got 0'],
    [{ throttlingRateLimit: 20_000 }, 'throttlingRateLimit must be an integer from 1 to 10000, got 20000'],
    [{ throttlingBurstLimit: 1.5 }, 'throttlingBurstLimit must be an integer from 1 to 5000, got 1.5'],
    [{ webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1' }, 'webAclArn must be the ARN of a regional WAF v2 web ACL'],
  ])('fails when %j', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('policy checks over a stack with the ComplianceApi', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-policy-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  function stackWith(id: string, props: Partial<ConstructorParameters<typeof ComplianceApi>[2]>, withKey = false) {
    const app = new App({ outdir: path.join(outdir, id) });
    const stack = new Stack(app, 'Master', { env });
    const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
    new ComplianceApi(stack, 'ComplianceApi', { ...tables(stack), ...props, encryptionKey });
    return app;
  }

  test.each([
    ['defaults', {}, false],
    ['customer-managed key, web ACL, no CloudWatch role', { webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/api/abc', cloudWatchRole: false }, true],
  ])('cdk-nag AwsSolutions: no unacknowledged findings (%s)', (name, props, withKey) => {
    const app = stackWith(name.replace(/\W+/g, '-'), props, withKey);
    expect(describeViolations(nag(app), { severity: false })).toEqual([]);
  });

  test('cdk-nag acknowledgements: WAF and Cognito (with reasons) and the CloudWatch role\'s managed policy', () => {
    const app = stackWith('acks', {});
    app.synth();
    const acks = acknowledgements(app);
    expect(acks.map((a) => `${a.id} at ${a.path}`).sort()).toEqual([
      'AwsSolutions-APIG3 at Master/ComplianceApi/Resource/DeploymentStage.v1',
      'AwsSolutions-COG4 at Master/ComplianceApi/Resource/Default/compliance/GET',
      'AwsSolutions-COG4 at Master/ComplianceApi/Resource/Default/resources/{account}/{region}/{resourceType}/{resourceId}/GET',
      'AwsSolutions-COG4 at Master/ComplianceApi/Resource/Default/resources/{account}/{region}/{resourceType}/{resourceId}/history/GET',
      'AwsSolutions-COG4 at Master/ComplianceApi/Resource/Default/summary/GET',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs] at Master/ComplianceApi/Resource/CloudWatchRole',
    ]);
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(40);
  });

  test('cfn-guard Control Tower rules: only the documented exceptions', () => {
    const assembly = stackWith('guard', {}).synth();
    const findings = guard(assembly.stacks[0].templateFullPath).map((f) => `${f.control} ${f.resource}`);
    // CT.LAMBDA.PR.3 (VPC): the function calls only DynamoDB, which IAM scopes; CT.CLOUDWATCH.PR.3: log groups use
    // CloudWatch Logs' own encryption unless a customer-managed key is given (same exceptions as the pipeline).
    const unexcused = findings.filter((f) => !/^CT\.LAMBDA\.PR\.3 ComplianceApiHandler[0-9A-F]{8}$/.test(f)
      && !/^CT\.CLOUDWATCH\.PR\.3 ComplianceApi\w+LogGroup[0-9A-F]{8}$/.test(f));
    expect(unexcused).toEqual([]);
  });
});
