import type { ConfigItemChange } from '../../src/runtime/models/config-item';

/** The parsed deletion of the write-path tests' security group (222222222222, eu-west-1, sg-0a1b2c3d) at `atMs`. */
export function securityGroupDeletion(atMs: number): ConfigItemChange {
  return {
    account: '222222222222',
    region: 'eu-west-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0a1b2c3d',
    changeType: 'DELETE',
    configurationItemStatus: 'ResourceDeleted',
    capturedAtMs: atMs,
    configurationStateId: String(atMs),
    changedProperties: [],
    oversized: false,
    tags: {},
  };
}
