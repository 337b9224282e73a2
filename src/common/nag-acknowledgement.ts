import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one granular cdk-nag finding, such as `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:…]`,
 * so that any other finding of the same rule on the same construct is still reported.
 *
 * cdk-nag 3 names these findings after the policy or resource, whose ARNs contain '::', and reads acknowledgements
 * from the construct metadata that `Validations.of(x).acknowledge()` writes; but `acknowledge()` refuses any id with
 * '::' after the prefix. Writing the same metadata entry directly is the only way to acknowledge exactly that
 * finding (and not every IAM4 or IAM5 finding the construct might get later).
 */
export function acknowledgeNagFinding(construct: IConstruct, rule: string, finding: string, reason: string): void {
  construct.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`${rule}[${finding}]`]: reason });
}

/**
 * Acknowledges the IAM5 finding of one object prefix of a bucket (`<Bucket.Arn>/<prefix>*`), for a function whose
 * object keys carry dates or ids, so that only a wildcard can name them. For a bucket defined elsewhere (imported,
 * or in another stack) the finding names a resource this construct cannot predict: nothing is acknowledged, and the
 * finding is acknowledged where the bucket is defined.
 */
export function acknowledgeObjectPrefixWildcard(role: IConstruct, bucket: s3.IBucket, prefix: string, reason: string): void {
  const cfnBucket = bucket.node.defaultChild;
  if (!(cfnBucket instanceof s3.CfnBucket) || Stack.of(cfnBucket) !== Stack.of(role)) return;
  acknowledgeNagFinding(role, 'AwsSolutions-IAM5', `Resource::<${Stack.of(role).getLogicalId(cfnBucket)}.Arn>/${prefix}*`, reason);
}

/**
 * A value as cdk-nag prints it in a finding (its flattenCfnReference): Fn::Join joined, Ref as `<Name>`,
 * Fn::GetAtt as `<Name.Attribute>`. cdk-nag is a test-time tool, not a dependency of the library, hence the copy.
 */
export function nagRendering(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  const node = value as Record<string, any> | undefined;
  if (node?.['Fn::Join']) return (node['Fn::Join'][1] as unknown[]).map(flatten).join(node['Fn::Join'][0]);
  if (node?.['Fn::GetAtt']) return `<${flatten(node['Fn::GetAtt'][0])}.${flatten(node['Fn::GetAtt'][1])}>`;
  if (node?.Ref) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(value);
}
