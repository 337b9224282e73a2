import { runAccountActivityCheck } from '../runtime/activity/check-account-activity';
import { createDocumentClient } from '../runtime/aws-clients';
import { positiveIntegerEnv, requireEnv } from '../runtime/environment';

const documentClient = createDocumentClient();

/** Hourly: turns the per-account activity items into SilentAccounts / SilentAccountRegions (EMF). Thin: the logic lives in runtime/activity. */
export const handler = async (): Promise<void> => {
  await runAccountActivityCheck({
    client: documentClient,
    tableName: requireEnv('COMPLIANCE_TABLE_NAME'),
    silentAfterSeconds: positiveIntegerEnv('SILENT_AFTER_SECONDS'),
    ignoredAccounts: process.env.IGNORED_ACCOUNTS ?? '',
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'CheckAccountActivity',
  });
};
