import { invalidField, requireString, type Candidate } from './parsed-event';

/**
 * The fields that identify what a stored event is about (account, region, resource type, resource id, rule name),
 * checked against what AWS itself allows. They become DynamoDB keys, SNS attributes, report cells and API paths: a
 * value AWS can never send (`#` or an emoji in a region, `<script>` as a resource type, a control character or more
 * than Config's maximum length in an id) is a forged or broken event, refused at the door with the reason instead of
 * being stored.
 *
 * Limits from the AWS Config API Reference, EvaluationResultQualifier
 * (https://docs.aws.amazon.com/config/latest/APIReference/API_EvaluationResultQualifier.html): ConfigRuleName 1 to 128
 * characters with at least one non-blank (pattern `.*\S.*`), ResourceId 1 to 768, ResourceType 1 to 256; the same 768
 * for ResourceIdentifier.resourceId (API_ResourceIdentifier.html).
 */

/** `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-2`: partition-free region codes as every AWS event names them. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** `AWS::EC2::SecurityGroup`, `Custom::Thing::Name`: Config's three-part resource types. */
const RESOURCE_TYPE = /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
/** The one resource type with an empty service part: the account itself (account-level rules such as cloudtrail-enabled). */
const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';
const ACCOUNT_ID = /^\d{12}$/;
/** C0 controls, DEL and C1 controls (Unicode category Cc): never part of an AWS name or id, and unsafe in SNS subjects and logs. */
const CONTROL_CHARACTER = /\p{Cc}/u;
const BLANK_ONLY = /^\s*$/u;

export const MAX_RESOURCE_TYPE_LENGTH = 256;
export const MAX_RESOURCE_ID_LENGTH = 768;
export const MAX_RULE_NAME_LENGTH = 128;

export function isAccountId(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_ID.test(value);
}

export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION.test(value);
}

export function isResourceType(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_RESOURCE_TYPE_LENGTH
    && (value === ACCOUNT_RESOURCE_TYPE || RESOURCE_TYPE.test(value));
}

/** Account ids are the first part of every key: anything but 12 digits would corrupt them. */
export function requireAccount(candidate: Candidate): string {
  if (!isAccountId(candidate.value)) throw invalidField(candidate.path, candidate.value, 'a 12-digit AWS account id');
  return candidate.value;
}

// Every reader below first requires a non-empty string, so a missing field keeps the plain "expected a non-empty string".

export function requireRegion(candidate: Candidate): string {
  const value = requireString(candidate.value, candidate.path);
  if (!isRegion(value)) throw invalidField(candidate.path, value, `an AWS region such as eu-west-1 or us-gov-west-1 (${REGION.source})`);
  return value;
}

export function requireResourceType(candidate: Candidate): string {
  const value = requireString(candidate.value, candidate.path);
  if (!isResourceType(value)) {
    throw invalidField(candidate.path, value,
      `a Config resource type Owner::Service::Type of letters and digits (such as AWS::EC2::SecurityGroup) or ${ACCOUNT_RESOURCE_TYPE}, `
      + `at most ${MAX_RESOURCE_TYPE_LENGTH} characters`);
  }
  return value;
}

export function requireResourceId(candidate: Candidate): string {
  return requirePrintableName(candidate, 'a Config resource id', MAX_RESOURCE_ID_LENGTH);
}

export function requireRuleName(candidate: Candidate): string {
  const name = requirePrintableName(candidate, 'a Config rule name', MAX_RULE_NAME_LENGTH);
  if (BLANK_ONLY.test(name)) throw invalidField(candidate.path, name, 'a Config rule name with at least one non-blank character');
  return name;
}

// Lengths in code points, as AWS counts characters: an emoji is one character, not two UTF-16 units.
function requirePrintableName(candidate: Candidate, what: string, maxLength: number): string {
  const value = requireString(candidate.value, candidate.path);
  const length = [...value].length;
  if (length > maxLength || CONTROL_CHARACTER.test(value)) {
    throw invalidField(candidate.path, value, `${what} of 1 to ${maxLength} characters without control characters`
      + (length > maxLength ? ` (this one has ${length})` : ''));
  }
  return value;
}
