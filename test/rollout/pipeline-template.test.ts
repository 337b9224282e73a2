import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { agentProps, HOME_REGION, homeRegionRules, organizationRollout, OTHER_REGION, REGIONS, rolloutStack } from './support';
import { ConfigMonitoringPipelineTemplate, EventForwarding, Recording } from '../../src';
import { toYaml } from '../../src/rollout/pipeline-template';

// The agent template for pipelines that are not CDK: Customizations for Control Tower and Landing Zone Accelerator.

const PYTHON = path.resolve(__dirname, '..', '..', '.venv', 'cfn-lint', 'bin', 'python');

/** Parses YAML with PyYAML (a dependency of the pinned cfn-lint), as the pipelines' own Python code does. */
function parseYaml(text: string): any {
  const result = spawnSync(PYTHON, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read()), default=str))'], { input: text, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`not YAML: ${result.stderr}\n${text}`);
  return JSON.parse(result.stdout);
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-template-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function pipelineTemplate(overrides: Partial<ConstructorParameters<typeof ConfigMonitoringPipelineTemplate>[2]> = {}) {
  const stack = rolloutStack();
  return new ConfigMonitoringPipelineTemplate(stack, 'AgentTemplate', {
    agent: overrides.agent ?? agentProps(stack),
    homeRegion: HOME_REGION,
    homeRegionRules: homeRegionRules(),
    ...overrides,
  });
}

test('the same template as the rollout\'s StackSet, from the same definition, for each recording', () => {
  const rollout = organizationRollout(rolloutStack());
  expect(pipelineTemplate().template).toEqual(rollout.stackSets[0].template);
  expect(pipelineTemplate({ recording: Recording.adoptExisting() }).template).toEqual(rollout.stackSets[1].template);
});

test('writeFiles: the template and an (empty) CloudFormation parameters file', () => {
  const template = pipelineTemplate();
  const files = template.writeFiles(path.join(outdir, 'templates'));
  expect(files).toEqual({
    templateFile: path.join(outdir, 'templates', 'config-monitoring-agent.template.json'),
    parametersFile: path.join(outdir, 'templates', 'config-monitoring-agent.parameters.json'),
  });
  expect(JSON.parse(fs.readFileSync(files.templateFile, 'utf8'))).toEqual(template.template);
  expect(JSON.parse(fs.readFileSync(files.parametersFile, 'utf8'))).toEqual([]);
});

test('Customizations for Control Tower: a resources entry of a 2021-03-15 manifest', () => {
  const entry = pipelineTemplate().cfctManifestResource({ organizationalUnits: ['Workloads', 'Sandbox'], accounts: ['444444444444'], regions: REGIONS });
  const manifest = parseYaml(`---\nregion: ${HOME_REGION}\nversion: 2021-03-15\nresources:\n${entry}\n`);
  expect(manifest.resources).toEqual([{
    name: 'config_monitoring_agent',
    description: 'AWS Config compliance monitoring agent (cdk-config-monitoring)',
    resource_file: 'templates/config-monitoring-agent.template.json',
    deploy_method: 'stack_set',
    deployment_targets: { accounts: ['444444444444'], organizational_units: ['Workloads', 'Sandbox'] },
    parameters: [],
    regions: REGIONS,
  }]);
});

test('Landing Zone Accelerator: a customizations.cloudFormationStackSets entry', () => {
  const entry = pipelineTemplate({ name: 'org-config-agent' }).lzaStackSet({ organizationalUnits: ['Workloads/Prod'], regions: REGIONS, templatePath: 'cfn/agent.json' });
  const indented = entry.split('\n').map((line) => `    ${line}`).join('\n');
  const config = parseYaml(`customizations:\n  cloudFormationStackSets:\n${indented}\n`);
  expect(config.customizations.cloudFormationStackSets).toEqual([{
    name: 'org-config-agent',
    description: 'AWS Config compliance monitoring agent (cdk-config-monitoring)',
    template: 'cfn/agent.json',
    capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    deploymentTargets: { organizationalUnits: ['Workloads/Prod'] },
    regions: REGIONS,
    parameters: [],
  }]);
});

test('toYaml quotes what YAML would otherwise read as another type', () => {
  const value = { a: ['012345678912', 'yes', 'null', '1e3', 'x: y', '#c'], b: [], c: {}, d: [{ e: 1, f: [true] }] };
  expect(parseYaml(toYaml(value))).toEqual(value);
});

test('errors name the place, the value and the fix', () => {
  const template = pipelineTemplate();
  expect(() => template.cfctManifestResource({ regions: [], organizationalUnits: ['W'] })).toThrow(/AgentTemplate: cfctManifestResource\(\): regions is empty/);
  expect(() => template.lzaStackSet({ regions: REGIONS })).toThrow(/lzaStackSet\(\): give organizationalUnits or accounts/);
  expect(() => template.lzaStackSet({ regions: [OTHER_REGION], accounts: ['Audit'] }))
    .toThrow(/regions \(us-east-1\) leaves out the home region 'eu-west-1'/);
  expect(() => pipelineTemplate({ name: 'agent_1' })).toThrow(/name must start with a letter and hold only letters, digits and dashes, got 'agent_1'/);
  const stack = rolloutStack();
  expect(() => pipelineTemplate({ agent: { ...agentProps(stack), forwarding: EventForwarding.enriched() } })).toThrow(/give assetBuckets/);
});

test('enriched forwarding: published by asset stacks in the regions the pipeline deploys to', () => {
  const stack = rolloutStack();
  const agent = { ...agentProps(stack), forwarding: EventForwarding.enriched() };
  const assetBuckets = { bucketNamePrefix: 'acme-config-monitoring', organizationId: 'o-a1b2c3d4e5' };
  expect(() => new ConfigMonitoringPipelineTemplate(stack, 'T1', { agent, assetBuckets }))
    .toThrow(/list in assetRegions the regions the pipeline deploys to/);
  const template = new ConfigMonitoringPipelineTemplate(stack, 'T2', { agent, assetBuckets, assetRegions: REGIONS });
  expect(template.assetStacks.map((s) => s.region)).toEqual(REGIONS);
  expect(JSON.stringify(template.template)).toContain('acme-config-monitoring');
});
