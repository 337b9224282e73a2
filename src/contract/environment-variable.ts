/**
 * One environment variable of one function: its name, and how the handler reads it. The construct side writes every
 * variable as a string (CloudFormation tokens included); the handler side gets the parsed value or a clear error.
 */
export interface EnvironmentVariable<Value> {
  readonly name: string;
  readonly read: (raw: string | undefined, functionName: string) => Value;
}

function missing(name: string, functionName: string): Error {
  return new Error(`environment variable ${name} is not set (${functionName}): the function must be deployed by its construct`);
}

/** A required, non-empty string. */
export function text(name: string): EnvironmentVariable<string> {
  return {
    name,
    read: (raw, functionName) => {
      if (!raw) throw missing(name, functionName);
      return raw;
    },
  };
}

/** A variable the construct always sets but that may be empty (for example an empty list). */
export function possiblyEmptyText(name: string): EnvironmentVariable<string> {
  return {
    name,
    read: (raw, functionName) => {
      if (raw === undefined) throw missing(name, functionName);
      return raw;
    },
  };
}

/** A required positive integer (days, minutes, seconds, segments). */
export function positiveInteger(name: string): EnvironmentVariable<number> {
  return {
    name,
    read: (raw, functionName) => {
      if (!raw) throw missing(name, functionName);
      const value = Number(raw);
      if (!Number.isInteger(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive integer (${functionName}), got ${raw}`);
      return value;
    },
  };
}

/** A required `true` or `false`. */
export function flag(name: string): EnvironmentVariable<boolean> {
  return {
    name,
    read: (raw, functionName) => {
      if (raw === undefined) throw missing(name, functionName);
      if (raw !== 'true' && raw !== 'false') throw new Error(`environment variable ${name} must be true or false (${functionName}), got ${raw}`);
      return raw === 'true';
    },
  };
}

/** A required value out of a fixed list (an enum's values). */
export function oneOf<Value extends string>(name: string, allowed: readonly Value[]): EnvironmentVariable<Value> {
  return {
    name,
    read: (raw, functionName) => {
      if (raw === undefined) throw missing(name, functionName);
      if (!(allowed as readonly string[]).includes(raw)) {
        throw new Error(`environment variable ${name} must be one of ${allowed.join(', ')} (${functionName}), got '${raw}'`);
      }
      return raw as Value;
    },
  };
}

/** A function's variables, by the field name each side uses in code. */
export type EnvironmentSpec = Readonly<Record<string, EnvironmentVariable<unknown>>>;

/** What the construct passes: one string per variable, none left out, none extra. */
export type EnvironmentValues<Spec extends EnvironmentSpec> = { readonly [Field in keyof Spec]: string };

/** What the handler gets: each variable parsed. */
export type EnvironmentReading<Spec extends EnvironmentSpec> = {
  readonly [Field in keyof Spec]: Spec[Field] extends EnvironmentVariable<infer Value> ? Value : never
};

/** The variable names of a spec, in declaration order. */
export function variableNames(spec: EnvironmentSpec): string[] {
  return Object.values(spec).map((variable) => variable.name);
}

/** The construct side: the Lambda `environment` of a function, keyed by the contract's variable names. */
export function buildEnvironment<Spec extends EnvironmentSpec>(spec: Spec, values: EnvironmentValues<Spec>): Record<string, string> {
  return Object.fromEntries(Object.entries(spec).map(([field, variable]) => [variable.name, values[field as keyof Spec]]));
}

/** The handler side: every variable read and parsed; the first missing or malformed one fails, named. */
export function readEnvironment<Spec extends EnvironmentSpec>(
  functionName: string,
  spec: Spec,
  environment: Readonly<Record<string, string | undefined>>,
): EnvironmentReading<Spec> {
  const entries = Object.entries(spec).map(([field, variable]) => [field, variable.read(environment[variable.name], functionName)]);
  return Object.fromEntries(entries) as EnvironmentReading<Spec>;
}
