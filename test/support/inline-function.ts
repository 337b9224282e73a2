import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Stands in for a generated function class (src/handlers/*-function.ts): the same props, inline code, no bundle. */
export const inlineFunction = (scope: Construct, id: string, props: lambda.FunctionOptions): lambda.Function => new lambda.Function(scope, id, {
  ...props,
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({});'),
});
