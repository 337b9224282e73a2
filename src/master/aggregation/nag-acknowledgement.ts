import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one granular cdk-nag finding, such as `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:…]`.
 *
 * cdk-nag 3 names these findings after the policy or resource, whose ARNs contain '::', and reads acknowledgements
 * from the construct metadata that `Validations.of(x).acknowledge()` writes; but `acknowledge()` refuses any id with
 * '::' after the prefix. Writing the same metadata entry directly is the only way to acknowledge exactly that
 * finding (and not every IAM4 or IAM5 finding the construct might get later).
 */
export function acknowledgeNagFinding(construct: IConstruct, rule: string, value: string, reason: string): void {
  construct.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`${rule}[${value}]`]: reason });
}

/** A value as cdk-nag prints it in a finding: pseudo-parameter references as `<AWS::Partition>` and so on. */
export function nagRendering(scope: IConstruct, value: string): string {
  const render = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const ref = (part as { Ref?: string }).Ref;
    if (ref !== undefined) return `<${ref}>`;
    const join = (part as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(render).join(join[0]);
    return JSON.stringify(part);
  };
  return render(Stack.of(scope).resolve(value));
}
