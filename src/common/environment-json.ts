import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A settings document as the JSON of one Lambda environment variable. Lambda takes at most 4 KB of environment per
 * function, so a document over `maxBytes` fails at synth with the message `tooLong(bytes)` gives; a token counts with
 * the length of its placeholder, close enough for a limit only long lists approach. Tokens (Ref, Fn::GetAtt) are
 * written into the JSON at deploy time, quoted as JSON needs.
 */
export function environmentJson(scope: IConstruct, document: object, maxBytes: number, tooLong: (bytes: number) => string): string {
  const text = JSON.stringify(document);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) throw new Error(tooLong(bytes));
  return Token.isUnresolved(text) ? Stack.of(scope).toJsonString(document) : text;
}
