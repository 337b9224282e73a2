/** Reads a required environment variable set by the construct; a missing one is a deployment bug, so fail loudly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set: the function must be deployed by its construct`);
  return value;
}

export function positiveIntegerEnv(name: string): number {
  const value = Number(requireEnv(name));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive integer, got ${process.env[name]}`);
  return value;
}
