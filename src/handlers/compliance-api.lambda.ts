import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { readFunctionEnvironment } from '../contract/function-environments';
import { ComplianceQueries } from '../runtime/api/compliance-queries';
import { availableIndexes } from '../runtime/api/query-plan';
import { route } from '../runtime/api/router';
import { createDocumentClient } from '../runtime/aws-clients';
import { Logger } from '../runtime/observability/logger';

const logger = new Logger();
const { complianceTableName, eventsTableName, scopeIndexes } = readFunctionEnvironment('ComplianceApi', process.env);
const queries = new ComplianceQueries(createDocumentClient(), { complianceTableName, eventsTableName, indexes: availableIndexes(scopeIndexes) });

/** API Gateway (REST, IAM-authorized) → read-only compliance queries. Thin: the queries live in runtime/api. */
export const handler = async (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> => {
  // API Gateway's request id: the caller's support case and the access log name the request by it.
  logger.startInvocation(context, event.requestContext?.requestId);
  return route(event, queries, logger);
};
