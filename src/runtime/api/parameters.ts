import { badParameter } from './api-error';
import { COMPLIANCE_STATUSES, type ComplianceStatus } from '../models/compliance-result';

/** The filters `GET /compliance` and `GET /summary` accept; each one an exact match. */
export interface ComplianceFilters {
  readonly status?: ComplianceStatus;
  readonly resourceType?: string;
  readonly account?: string;
  readonly region?: string;
  readonly rule?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export type QueryParameters = Readonly<Record<string, string | undefined>> | null | undefined;

/** `AWS::EC2::SecurityGroup`, `AWS::::Account`, `Custom::Thing::Name`: Config's three-part resource types. */
const RESOURCE_TYPE = /^[A-Za-z0-9]+::[A-Za-z0-9]*::[A-Za-z0-9]+$/;
const ACCOUNT = /^\d{12}$/;
/** `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Config rule names are up to 128 characters; conformance-pack and organization suffixes stay within 256. */
const MAX_RULE_LENGTH = 256;
/** Config resource ids are up to 768 characters (ARNs, log group names). */
const MAX_RESOURCE_ID_LENGTH = 768;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function parseStatus(value: string | undefined, parameter = 'status'): ComplianceStatus | undefined {
  if (value === undefined) return undefined;
  if (!(COMPLIANCE_STATUSES as readonly string[]).includes(value)) {
    throw badParameter(parameter, `must be one of ${COMPLIANCE_STATUSES.join(', ')}, got '${truncate(value)}'`);
  }
  return value as ComplianceStatus;
}

export function parseResourceType(value: string | undefined, parameter = 'resourceType'): string | undefined {
  if (value === undefined) return undefined;
  if (!RESOURCE_TYPE.test(value)) {
    throw badParameter(parameter, `must be a Config resource type such as AWS::EC2::SecurityGroup, got '${truncate(value)}'`);
  }
  return value;
}

export function parseAccount(value: string | undefined, parameter = 'account'): string | undefined {
  if (value === undefined) return undefined;
  if (!ACCOUNT.test(value)) throw badParameter(parameter, `must be a 12-digit account id, got '${truncate(value)}'`);
  return value;
}

export function parseRegion(value: string | undefined, parameter = 'region'): string | undefined {
  if (value === undefined) return undefined;
  if (!REGION.test(value)) throw badParameter(parameter, `must be an AWS region such as eu-west-1, got '${truncate(value)}'`);
  return value;
}

export function parseRule(value: string | undefined, parameter = 'rule'): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_RULE_LENGTH || CONTROL_CHARACTERS.test(value)) {
    throw badParameter(parameter, `must be a Config rule name of 1 to ${MAX_RULE_LENGTH} printable characters, got '${truncate(value)}'`);
  }
  return value;
}

export function parseResourceId(value: string | undefined, parameter = 'resourceId'): string {
  if (value === undefined || value.length === 0 || value.length > MAX_RESOURCE_ID_LENGTH || CONTROL_CHARACTERS.test(value)) {
    throw badParameter(parameter, `must be a Config resource id of 1 to ${MAX_RESOURCE_ID_LENGTH} printable characters, got '${truncate(value ?? '')}'`);
  }
  return value;
}

export function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badParameter('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}, got '${truncate(value)}'`);
  }
  return limit;
}

export function parseFilters(query: QueryParameters): ComplianceFilters {
  return {
    status: parseStatus(query?.status),
    resourceType: parseResourceType(query?.resourceType),
    account: parseAccount(query?.account),
    region: parseRegion(query?.region),
    rule: parseRule(query?.rule),
  };
}

/** Refuses query parameters the route does not know: a misspelt filter must not silently list everything. */
export function rejectUnknown(query: QueryParameters, known: readonly string[]): void {
  for (const name of Object.keys(query ?? {})) {
    if (!known.includes(name)) {
      throw badParameter(truncate(name), `is not a parameter of this route: use ${known.join(', ')}`);
    }
  }
}

/**
 * A path parameter, decoded once: API Gateway passes them percent-encoded or decoded depending on the integration,
 * and a resource id such as a log group name (`/aws/lambda/x`) must be sent encoded (`%2Faws%2Flambda%2Fx`).
 */
export function pathParameter(parameters: QueryParameters, name: string): string | undefined {
  const raw = parameters?.[name];
  if (raw === undefined) return undefined;
  if (!/%[0-9A-Fa-f]{2}/.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badParameter(name, `is not valid percent-encoding, got '${truncate(raw)}'`);
  }
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
