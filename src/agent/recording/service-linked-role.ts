import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The service principal whose service-linked role the recorder uses. */
const CONFIG_SERVICE = 'config.amazonaws.com';

/** IAM's answer when the role exists: `InvalidInput: Service role name AWSServiceRoleForConfig has been taken in this account`. */
export const ROLE_TAKEN_ERROR = '^InvalidInput(Exception)?$';

/** The construct id aws-cdk-lib gives the singleton provider function of `AwsCustomResource`. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Properties of a `ConfigServiceLinkedRole`. */
export interface ConfigServiceLinkedRoleProps {
  /** Whether to create the role when it is missing; false only names it. */
  readonly create: boolean;
}

/**
 * The AWS Config service-linked role (`AWSServiceRoleForConfig`), named by ARN and, unless told not to, created if
 * it is missing.
 *
 * Never an `AWS::IAM::ServiceLinkedRole`, which fails where the role exists (docs/guide/deploy-pitfalls.md): a custom resource
 * calls `iam:CreateServiceLinkedRole` and takes IAM's "has been taken" answer as success. Deleting the stack leaves
 * the role, since Control Tower, Security Hub and conformance packs may use it too.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html
 */
export class ConfigServiceLinkedRole extends Construct {
  /** `arn:<partition>:iam::<account>:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`. */
  public readonly roleArn: string;

  /** The custom resource that creates the role, when `create` is true. */
  public readonly creation?: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: ConfigServiceLinkedRoleProps) {
    super(scope, id);
    this.roleArn = Stack.of(this).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `aws-service-role/${CONFIG_SERVICE}/AWSServiceRoleForConfig`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    if (!props.create) return;

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role, so that the function carries no managed policy and may only write to its own log group.
    const role = new iam.Role(this, 'Role', {
      description: 'Creates the AWS Config service-linked role if it is missing',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }));

    const call: cr.AwsSdkCall = {
      service: 'IAM',
      action: 'createServiceLinkedRole',
      parameters: { AWSServiceName: CONFIG_SERVICE },
      physicalResourceId: cr.PhysicalResourceId.of('AWSServiceRoleForConfig'),
      ignoreErrorCodesMatching: ROLE_TAKEN_ERROR,
    };
    this.creation = new cr.AwsCustomResource(this, 'Resource', {
      resourceType: 'Custom::ConfigServiceLinkedRole',
      onCreate: call,
      // Re-creates the role on update if someone deleted it in between; no onDelete: the role is shared.
      onUpdate: call,
      role,
      logGroup,
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [this.roleArn],
        conditions: { StringEquals: { 'iam:AWSServiceName': CONFIG_SERVICE } },
      })]),
    });
    // The provider function is the stack-wide singleton of AwsCustomResource: its runtime is aws-cdk-lib's choice.
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'aws-cdk-lib chooses the runtime of its AwsCustomResource provider (nodejs22.x, supported until 2027); '
          + 'the function runs only while the stack deploys, to create the AWS Config service-linked role.',
      });
    }
  }
}
