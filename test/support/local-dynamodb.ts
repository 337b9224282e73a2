import { AddressInfo } from 'net';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, number>) => import('http').Server;

/** A DynamoDB-compatible server in this process (dynalite), with the library's two tables. */
export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Creates a fresh pair of tables (unique names), so tests never share state. */
  createTables(): Promise<{ complianceTable: string; eventsTable: string }>;
  close(): Promise<void>;
}

let tableCounter = 0;

export type TableSpecs = (names: { complianceTable: string; eventsTable: string }) => CreateTableCommandInput[];

export async function startLocalDynamoDb(tableSpecs: TableSpecs): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    documentClient,
    async createTables() {
      tableCounter++;
      const names = { complianceTable: `compliance-${tableCounter}`, eventsTable: `events-${tableCounter}` };
      for (const spec of tableSpecs(names)) await client.send(new CreateTableCommand(spec));
      return names;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
