import * as fs from 'fs';
import * as config from 'aws-cdk-lib/aws-config';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { resolved, validateAccountList, validateLength, validatePattern } from './organization-validation';
import { validateS3Uri } from '../../common/s3-uri';

const PACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const MAX_TEMPLATE_BODY_BYTES = 51_200;
const MAX_INPUT_PARAMETERS = 60;

/**
 * Where a conformance pack's template comes from.
 */
export abstract class ConformancePackTemplate {
  /**
   * The template itself (YAML or JSON), at most 51,200 bytes: larger templates go to S3.
   */
  public static fromBody(body: string): ConformancePackTemplate {
    return new BodyTemplate(body);
  }

  /**
   * A template file read at synth time, at most 51,200 bytes.
   *
   * @param path the file's path, relative to the working directory of `cdk synth`
   */
  public static fromFile(path: string): ConformancePackTemplate {
    let body: string;
    try {
      body = fs.readFileSync(path, 'utf-8');
    } catch (error) {
      throw new Error(`ConformancePackTemplate.fromFile cannot read '${path}' (${(error as Error).message}): `
        + 'give a path relative to where cdk synth runs, or an absolute one');
    }
    return new BodyTemplate(body);
  }

  /**
   * A template in S3, at most 300 KB, that the management account can read.
   *
   * @param uri `s3://<bucket>/<key>`
   */
  public static fromS3Uri(uri: string): ConformancePackTemplate {
    return new S3Template(uri);
  }

  /** @internal */
  public abstract _props(): Pick<config.CfnOrganizationConformancePackProps, 'templateBody' | 'templateS3Uri'>;
}

class BodyTemplate extends ConformancePackTemplate {
  constructor(private readonly body: string) {
    super();
    if (resolved(body)) {
      const bytes = Buffer.byteLength(body, 'utf-8');
      if (bytes < 1 || bytes > MAX_TEMPLATE_BODY_BYTES) {
        throw new Error(`a conformance pack template body must be 1 to ${MAX_TEMPLATE_BODY_BYTES} bytes, got ${bytes}: `
          + 'upload a larger template to S3 and use ConformancePackTemplate.fromS3Uri()');
      }
    }
  }

  public _props() {
    return { templateBody: this.body };
  }
}

class S3Template extends ConformancePackTemplate {
  constructor(private readonly uri: string) {
    super();
    validateS3Uri('the conformance pack template URI', uri);
  }

  public _props() {
    return { templateS3Uri: this.uri };
  }
}

/**
 * A conformance pack deployed to every account of the organization (less the excluded ones).
 */
export interface OrganizationConformancePack {
  /**
   * The conformance pack's name: a letter, then letters, digits and `-`, at most 128 characters.
   *
   * Also the construct id of the pack, so renaming it replaces the pack.
   */
  readonly conformancePackName: string;

  /** The conformance pack template. */
  readonly template: ConformancePackTemplate;

  /**
   * Values of the template's parameters, at most 60.
   *
   * @default - the template's defaults
   */
  readonly inputParameters?: { [name: string]: string };

  /**
   * Accounts of the organization the pack is not deployed to.
   *
   * At most 1,000 12-digit account ids.
   *
   * @default - every account of the organization
   */
  readonly excludedAccounts?: string[];

  /**
   * Where Config stores the pack's evaluation results; its name must start with `awsconfigconforms`.
   *
   * @default - Config keeps the results itself
   */
  readonly deliveryBucket?: s3.IBucket;

  /**
   * A key prefix in `deliveryBucket`, at most 1,024 characters. Only with `deliveryBucket`.
   *
   * @default - no prefix
   */
  readonly deliveryKeyPrefix?: string;
}

/** Checks a pack against Config's limits and returns its CloudFormation properties. @internal */
export function conformancePackProps(pack: OrganizationConformancePack): config.CfnOrganizationConformancePackProps {
  const name = pack.conformancePackName;
  validateLength('conformancePackName', name, 1, 128, 'Config limits conformance pack names to 128 characters');
  validatePattern('conformancePackName', name, PACK_NAME, 'start with a letter and contain only letters, digits and -',
    'replace _ , spaces and other characters with -');
  validateAccountList(`excludedAccounts of conformance pack '${name}'`, pack.excludedAccounts);

  const parameters = Object.entries(pack.inputParameters ?? {});
  if (parameters.length > MAX_INPUT_PARAMETERS) {
    throw new Error(`inputParameters of conformance pack '${name}' has ${parameters.length} entries, Config takes at most ${MAX_INPUT_PARAMETERS}: `
      + 'set fewer parameters and rely on the template defaults for the others');
  }
  for (const [parameterName, value] of parameters) {
    validateLength(`inputParameters of conformance pack '${name}': the parameter name`, parameterName, 1, 255, 'shorten the name');
    validateLength(`inputParameters of conformance pack '${name}': the value of ${parameterName}`, value, 0, 4096, 'shorten the value');
  }

  const bucketName = pack.deliveryBucket?.bucketName;
  validatePattern(`deliveryBucket of conformance pack '${name}'`, bucketName, /^awsconfigconforms/,
    "have a name that starts with 'awsconfigconforms' (Config's requirement)", 'create the bucket with such a name, or leave deliveryBucket out');
  if (pack.deliveryKeyPrefix !== undefined && pack.deliveryBucket === undefined) {
    throw new Error(`deliveryKeyPrefix of conformance pack '${name}' is set without a deliveryBucket: set deliveryBucket, or leave the prefix out`);
  }
  validateLength(`deliveryKeyPrefix of conformance pack '${name}'`, pack.deliveryKeyPrefix, 0, 1024, 'use a shorter prefix');

  return {
    organizationConformancePackName: name,
    ...pack.template._props(),
    conformancePackInputParameters: parameters.length > 0
      ? parameters.map(([parameterName, parameterValue]) => ({ parameterName, parameterValue }))
      : undefined,
    excludedAccounts: pack.excludedAccounts,
    deliveryS3Bucket: bucketName,
    deliveryS3KeyPrefix: pack.deliveryKeyPrefix,
  };
}
