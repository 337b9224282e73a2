// Renders an environment-agnostic template as CloudFormation would for one stack instance (one account and region of
// a StackSet): pseudo-parameters and parameters substituted, conditions evaluated, Fn::If chosen, AWS::NoValue
// dropped, resources and outputs whose condition is false removed, and what then only joins literals joined. What
// stays unresolved (Fn::GetAtt, Ref to resources) is left as it is, as in any synthesized template.

/** Where a stack instance runs. */
export interface StackInstance {
  readonly account: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default 'amazonaws.com' */
  readonly urlSuffix?: string;
  /** @default 'StackSet-agent-<account>-<region>' */
  readonly stackName?: string;
  /** Parameter values; a parameter not given takes its Default. */
  readonly parameters?: Record<string, string>;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** The template as one stack instance sees it; throws where CloudFormation would reject it. */
export function renderTemplate(template: any, instance: StackInstance): any {
  const stackName = instance.stackName ?? `StackSet-agent-${instance.account}-${instance.region}`;
  const pseudo: Record<string, string> = {
    'AWS::AccountId': instance.account,
    'AWS::Region': instance.region,
    'AWS::Partition': instance.partition ?? 'aws',
    'AWS::URLSuffix': instance.urlSuffix ?? 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:${instance.partition ?? 'aws'}:cloudformation:${instance.region}:${instance.account}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
  };
  const parameters: Record<string, string> = {};
  for (const [name, parameter] of Object.entries<any>(template.Parameters ?? {})) {
    const value = instance.parameters?.[name] ?? parameter.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value and no Default`);
    if (parameter.AllowedValues && !parameter.AllowedValues.includes(value)) throw new Error(`parameter ${name}: '${value}' is not allowed`);
    parameters[name] = String(value);
  }
  for (const name of Object.keys(instance.parameters ?? {})) {
    if (!(name in parameters)) throw new Error(`parameter ${name} is given but the template does not declare it`);
  }

  const conditions = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const condition = (name: string): boolean => {
    if (conditions.has(name)) return conditions.get(name)!;
    const expression = template.Conditions?.[name];
    if (expression === undefined) throw new Error(`condition ${name} is not declared`);
    if (evaluating.has(name)) throw new Error(`condition ${name} depends on itself`);
    evaluating.add(name);
    const value = truth(expression);
    conditions.set(name, value);
    return value;
  };
  const truth = (expression: any): boolean => {
    const [fn, args] = Object.entries(expression)[0] as [string, any];
    switch (fn) {
      case 'Fn::Equals': {
        const [a, b] = args.map(resolve);
        if (typeof a === 'object' || typeof b === 'object') throw new Error(`Fn::Equals on unresolved values: ${JSON.stringify(args)}`);
        return String(a) === String(b);
      }
      case 'Fn::And': return args.every(truth);
      case 'Fn::Or': return args.some(truth);
      case 'Fn::Not': return !truth(args[0]);
      case 'Condition': return condition(args);
      default: throw new Error(`${fn} is not a condition function`);
    }
  };

  const resolve = (value: any): any => {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const args = value[fn];
      if (fn === 'Ref') {
        if (args === 'AWS::NoValue') return NO_VALUE;
        if (args in pseudo) return pseudo[args];
        if (args in parameters) return parameters[args];
        return value;
      }
      if (fn === 'Fn::If') return resolve(condition(args[0]) ? args[1] : args[2]);
      if (fn === 'Condition') return value;
      if (fn === 'Fn::Join') {
        const [separator, parts] = [args[0], resolve(args[1])];
        if (Array.isArray(parts) && parts.every((part) => typeof part === 'string')) return parts.join(separator);
        if (separator !== '' || !Array.isArray(parts)) return { 'Fn::Join': [separator, parts] };
        // Adjacent literals joined, as the synthesizer does for literals it knows.
        const merged = parts.reduce((acc: any[], part) => {
          if (typeof part === 'string' && typeof acc[acc.length - 1] === 'string') acc[acc.length - 1] += part;
          else acc.push(part);
          return acc;
        }, []);
        return { 'Fn::Join': [separator, merged] };
      }
      if (fn === 'Fn::Sub' && typeof args === 'string') {
        const substituted = args.replace(/\$\{([A-Za-z0-9:]+)\}/g, (whole: string, name: string) => pseudo[name] ?? parameters[name] ?? whole);
        return /\$\{[A-Za-z0-9:.]+\}/.test(substituted) ? { 'Fn::Sub': substituted } : substituted;
      }
    }
    const out: Record<string, any> = {};
    for (const [key, inner] of Object.entries(value)) {
      const resolved = resolve(inner);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  };

  const rendered: any = {};
  for (const [section, body] of Object.entries<any>(template)) {
    if (section === 'Conditions' || section === 'Parameters' || section === 'Rules') continue;
    if (section !== 'Resources' && section !== 'Outputs') {
      rendered[section] = resolve(body);
      continue;
    }
    rendered[section] = {};
    for (const [id, element] of Object.entries<any>(body)) {
      if (element.Condition !== undefined && !condition(element.Condition)) continue;
      const { Condition: _dropped, ...kept } = element;
      rendered[section][id] = resolve(kept);
    }
  }
  // CloudFormation rejects a resource that refers to one its conditions removed.
  const present = new Set(Object.keys(rendered.Resources ?? {}));
  for (const [id, resource] of Object.entries<any>(rendered.Resources ?? {})) {
    const targets = [...references(resource.Properties), ...[resource.DependsOn ?? []].flat()];
    for (const target of targets) {
      if (!present.has(target) && !(target in pseudo) && !(target in parameters) && template.Resources?.[target]) {
        throw new Error(`${id} refers to ${target}, which the conditions removed in ${instance.account} ${instance.region}`);
      }
    }
  }
  return rendered;
}

function references(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {value.forEach((item) => references(item, into));} else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') into.push(inner);
      else if (key === 'Fn::GetAtt') into.push(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
      else references(inner, into);
    }
  }
  return into;
}
