import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApiError, badParameter } from './api-error';
import type { ComplianceQueries, SummaryGroup } from './compliance-queries';
import {
  parseAccount, parseFilters, parseLimit, parseRegion, parseResourceId, parseResourceType, pathParameter, rejectUnknown,
  type QueryParameters,
} from './parameters';
import { describeError, type Logger } from '../observability/logger';
import type { ResourceIdentity } from '../store/keys';

/** The API's routes, as API Gateway names them in `event.resource`; the construct creates exactly these. */
export const ROUTES = {
  list: '/compliance',
  summary: '/summary',
  resource: '/resources/{account}/{region}/{resourceType}/{resourceId}',
  history: '/resources/{account}/{region}/{resourceType}/{resourceId}/history',
  /** Only when the master has fleet coverage. */
  coverage: '/coverage',
} as const;

const FILTER_PARAMETERS = ['status', 'resourceType', 'account', 'region', 'rule'];
const GROUPS: readonly SummaryGroup[] = ['account', 'rule', 'resourceType', 'region'];

/** Routes one API Gateway (REST, Lambda proxy) request to its query; every refusal is a 4xx with a message naming the parameter. */
export async function route(event: APIGatewayProxyEvent, queries: ComplianceQueries, logger: Logger): Promise<APIGatewayProxyResult> {
  try {
    if (event.httpMethod !== 'GET') throw new ApiError(404, `${event.httpMethod} ${event.resource} is not a route of this API`);
    const query = event.queryStringParameters;
    rejectRepeated(event);
    switch (event.resource) {
      case ROUTES.list: {
        rejectUnknown(query, [...FILTER_PARAMETERS, 'limit', 'nextToken']);
        return ok(await queries.listCompliance(parseFilters(query), parseLimit(query?.limit), query?.nextToken));
      }
      case ROUTES.summary: {
        rejectUnknown(query, [...FILTER_PARAMETERS, 'groupBy']);
        return ok(await queries.summary(parseFilters(query), parseGroup(query?.groupBy)));
      }
      case ROUTES.resource: {
        rejectUnknown(query, []);
        return ok(await queries.getResource(resourceOf(event.pathParameters)));
      }
      case ROUTES.history: {
        rejectUnknown(query, ['limit', 'nextToken']);
        return ok(await queries.history(resourceOf(event.pathParameters), parseLimit(query?.limit), query?.nextToken));
      }
      case ROUTES.coverage: {
        rejectUnknown(query, []);
        return ok(await queries.coverage());
      }
      default:
        throw new ApiError(404, `${event.httpMethod} ${event.resource} is not a route of this API`);
    }
  } catch (error) {
    if (error instanceof ApiError) {
      logger.info('request refused', { resource: event.resource, statusCode: error.statusCode, parameter: error.parameter, reason: error.message });
      return respond(error.statusCode, { message: error.message, ...(error.parameter ? { parameter: error.parameter } : {}) });
    }
    // Throttling and other service errors: the caller retries; the details stay in the log, not in the response.
    logger.error('request failed', { resource: event.resource, requestId: event.requestContext?.requestId, ...describeError(error) });
    return respond(500, { message: 'internal error: retry later; if it persists, look for this request id in the function log', requestId: event.requestContext?.requestId });
  }
}

function resourceOf(parameters: QueryParameters): ResourceIdentity {
  return {
    account: parseAccount(pathParameter(parameters, 'account')) ?? missing('account'),
    region: parseRegion(pathParameter(parameters, 'region')) ?? missing('region'),
    resourceType: parseResourceType(pathParameter(parameters, 'resourceType')) ?? missing('resourceType'),
    resourceId: parseResourceId(pathParameter(parameters, 'resourceId')),
  };
}

function parseGroup(value: string | undefined): SummaryGroup | undefined {
  if (value === undefined) return undefined;
  if (!(GROUPS as readonly string[]).includes(value)) throw badParameter('groupBy', `must be one of ${GROUPS.join(', ')}, got '${value.slice(0, 80)}'`);
  return value as SummaryGroup;
}

/** `?status=A&status=B` would silently use the last value: refuse it instead. */
function rejectRepeated(event: APIGatewayProxyEvent): void {
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values && values.length > 1) throw badParameter(name.slice(0, 80), 'is given more than once: give each parameter at most once');
  }
}

function missing(name: string): never {
  throw badParameter(name, 'is required in the path');
}

function ok(body: unknown): APIGatewayProxyResult {
  return respond(200, body);
}

function respond(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify(body),
  };
}
