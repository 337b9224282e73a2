import { ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SERVICE_LINKED_ROLE_HANDLER } from './service-linked-role-handler';
import { createMonitoringFunction } from '../../common/monitoring-function';

/** The service principal whose service-linked role the recorder uses. */
const CONFIG_SERVICE = 'config.amazonaws.com';

/** IAM's answer when the role exists: `InvalidInput: Service role name AWSServiceRoleForConfig has been taken in this account`. */
export const ROLE_TAKEN_ERROR = '^InvalidInput(Exception)?$';

/** The runtime of the inline function: the latest Node.js, whose bundled AWS SDK v3 has the IAM client. */
export const SERVICE_LINKED_ROLE_RUNTIME = lambda.Runtime.NODEJS_24_X;

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
 * calls `iam:CreateServiceLinkedRole` and takes IAM's "has been taken" answer as success once `iam:GetRole` shows the
 * role is AWS Config's. Deleting the stack leaves the role, since Control Tower, Security Hub and conformance packs
 * may use it too, and the stack may not be what created it.
 *
 * The function's code is inline (`Code.ZipFile`): the construct needs no file asset, so the agent's template
 * deploys without a bootstrap bucket, as a StackSet too (see `ConfigMonitoringRollout`).
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html
 */
export class ConfigServiceLinkedRole extends Construct {
  /** `arn:<partition>:iam::<account>:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`. */
  public readonly roleArn: string;

  /** The custom resource that creates the role, when `create` is true. */
  public readonly creation?: CustomResource;

  /** The function behind the custom resource, when `create` is true. */
  public readonly function?: lambda.IFunction;

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

    // The library's function shape (own role writing only to its own log group, arm64), with inline code.
    const { function: fn, role } = createMonitoringFunction(this, {
      createFunction: (parent, functionId, options) => new lambda.Function(parent, functionId, {
        ...options,
        runtime: SERVICE_LINKED_ROLE_RUNTIME,
        handler: 'index.handler',
        code: lambda.Code.fromInline(SERVICE_LINKED_ROLE_HANDLER),
      }),
      name: 'service-linked role',
      roleDescription: 'Creates the AWS Config service-linked role if it is missing',
      description: 'Creates the AWS Config service-linked role if it is missing; never deletes it',
      memorySize: 128,
      timeout: Duration.minutes(2),
      environment: {},
      removalPolicy: RemovalPolicy.DESTROY,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [this.roleArn],
      conditions: { StringEquals: { 'iam:AWSServiceName': CONFIG_SERVICE } },
    }));
    // To tell "has been taken" by the role itself from any other invalid input.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:GetRole'], resources: [this.roleArn] }));

    this.function = fn;
    // A new logical id (not the AwsCustomResource's): CloudFormation does not let a custom resource change its
    // ServiceToken. The replaced resource had no Delete call, so replacing it leaves the role in place.
    this.creation = new CustomResource(this, 'Creation', {
      resourceType: 'Custom::ConfigServiceLinkedRole',
      serviceToken: fn.functionArn,
      properties: { AWSServiceName: CONFIG_SERVICE },
    });
  }
}
