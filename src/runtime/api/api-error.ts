/**
 * A request the API refuses, with the HTTP status and a message that names the parameter, the value and the fix.
 * Anything else thrown on a request path is a server error (500) and is logged, never shown to the caller.
 */
export class ApiError extends Error {
  constructor(public readonly statusCode: 400 | 404, message: string, public readonly parameter?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export function badParameter(parameter: string, message: string): ApiError {
  return new ApiError(400, `${parameter} ${message}`, parameter);
}
