import type { Context } from 'aws-lambda';
import { readFunctionEnvironment } from '../contract/function-environments';
import { runAccountActivityCheck } from '../runtime/activity/check-account-activity';
import { createDocumentClient } from '../runtime/aws-clients';
import { organizationsApi } from '../runtime/fleet/organizations-api';
import { runFleetCoverage } from '../runtime/fleet/run-fleet-coverage';
import { readAccountActivityItems } from '../runtime/store/account-activity-items';

const environment = readFunctionEnvironment('CheckAccountActivity', process.env);
const documentClient = createDocumentClient();
const organizations = environment.fleetCoverage?.fromOrganizations ? organizationsApi() : undefined;
/** The last Organizations call (with its retries) and the writes fit in it. */
const COVERAGE_WRITE_MARGIN_MS = 60_000;

/**
 * Hourly: the silent-account metrics and, when configured, the fleet coverage, from one read of the activity items.
 * Thin: the logic lives in runtime/activity and runtime/fleet.
 */
export const handler = async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> => {
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'CheckAccountActivity';
  const nowMs = Date.now();
  const items = await readAccountActivityItems(documentClient, environment.complianceTableName);
  await runAccountActivityCheck({
    client: documentClient,
    tableName: environment.complianceTableName,
    silentAfterSeconds: environment.silentAfterSeconds,
    ignoredAccounts: environment.ignoredAccounts,
    items,
    functionName,
    nowMs,
  });
  if (environment.fleetCoverage) {
    await runFleetCoverage({
      settings: environment.fleetCoverage,
      organizations,
      seen: items,
      silentAfterMs: environment.silentAfterSeconds * 1000,
      client: documentClient,
      tableName: environment.complianceTableName,
      functionName,
      nowMs,
      // Room to write the metrics and the snapshot after the last Organizations call.
      deadlineMs: nowMs + context.getRemainingTimeInMillis() - COVERAGE_WRITE_MARGIN_MS,
    });
  }
};
