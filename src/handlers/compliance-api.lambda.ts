import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ComplianceQueries } from '../runtime/api/compliance-queries';
import { route } from '../runtime/api/router';
import { createDocumentClient } from '../runtime/aws-clients';
import { requireEnv } from '../runtime/environment';
import { Logger } from '../runtime/observability/logger';

const logger = new Logger();
const queries = new ComplianceQueries(createDocumentClient(), {
  complianceTableName: requireEnv('COMPLIANCE_TABLE_NAME'),
  eventsTableName: requireEnv('EVENTS_TABLE_NAME'),
});

/** API Gateway (REST, IAM-authorized) → read-only compliance queries. Thin: the queries live in runtime/api. */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => route(event, queries, logger);
