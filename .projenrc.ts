import { awscdk, javascript } from 'projen';

// Handler-side libraries: bundled into the shipped assets by esbuild at library build time,
// pinned so a rebuild never silently changes what runs in Lambda.
const handlerDeps = [
  '@aws-sdk/client-config-service@3.1124.0',
  '@aws-sdk/client-dynamodb@3.1169.0',
  '@aws-sdk/client-eventbridge@3.1169.0',
  '@aws-sdk/client-organizations@3.1169.0',
  '@aws-sdk/client-s3@3.1175.0',
  '@aws-sdk/client-sns@3.1169.0',
  '@aws-sdk/client-sqs@3.1175.0',
  '@aws-sdk/lib-dynamodb@3.1169.0',
  '@aws-sdk/util-dynamodb@3.996.9',
  // Structured logs (POWERTOOLS_LOG_LEVEL, sampling, the Lambda context on every line) and the EMF writer that
  // operators already know from other functions; src/runtime/observability wraps them to keep the contract's types.
  '@aws-lambda-powertools/logger@2.36.0',
  '@aws-lambda-powertools/metrics@2.36.0',
];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-config-monitoring',
  description:
    'AWS Config compliance monitoring across an AWS Organization: agents in member accounts, a central master with current compliance state, history, notifications, reconciliation and reports.',
  keywords: ['aws-cdk', 'aws-config', 'compliance', 'eventbridge', 'organizations', 'monitoring', 'governance'],
  author: 'cdk-config-monitoring maintainers',
  authorAddress: 'maintainers@cdk-config-monitoring.dev',
  repositoryUrl: 'https://github.com/cdk-config-monitoring/cdk-config-monitoring.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  license: 'Apache-2.0',
  stability: 'experimental',

  // The peer minimum: cdk-nag 3 (used to prove the constructs policy-clean) needs 2.257.0, and every
  // construct API we use (nodejs24.x runtime, SQS maxConcurrency, bus policies) exists there.
  // The dev dependency is pinned to the same version so the tests run against the minimum we promise.
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  publishToPypi: { distName: 'cdk-config-monitoring', module: 'cdk_config_monitoring' },
  publishToMaven: {
    javaPackage: 'io.github.cdkconfigmonitoring',
    mavenGroupId: 'io.github.cdk-config-monitoring',
    mavenArtifactId: 'cdk-config-monitoring',
  },
  publishToNuget: { dotNetNamespace: 'CdkConfigMonitoring', packageId: 'CdkConfigMonitoring' },
  publishToGo: { moduleName: 'github.com/cdk-config-monitoring/cdk-config-monitoring-go' },

  // CI is .ci/run (see the README); no hosted workflows are generated.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    // Inline every SDK client: the handlers never depend on the SDK version the runtime happens to carry.
    bundlingOptions: { externals: [], sourcemap: false },
  },
  // Handler code is bundled, not compiled into lib/: it is not part of the public API.
  excludeTypescript: ['src/**/*.lambda.ts', 'src/runtime/**'],

  devDeps: [
    ...handlerDeps,
    '@types/aws-lambda@8.10.164',
    'aws-sdk-client-mock@4.1.0',
    'dynalite@4.0.0',
    'cdk-nag@3.0.2',
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    'ts-node@10.9.2',
    // Drives Debian's Chromium (installed by .ci/run) to check the daily report page as a browser renders it.
    'playwright-core@1.65.1',
    // Seeded, shrinking property tests for the write path's invariants (test/runtime/invariants).
    'fast-check@4.11.0',
    // aws-cdk-lib 2.257.0 (the peer minimum) asks for ^53.25.0, and its Go module requires 53.25.0 (Go then uses
    // that minimum). jsii-pacmak writes the npm-installed version of each dependency into the Go binding's go.mod:
    // with the newest in range, the Go binding would ask for a cloud-assembly-schema-go release that aws-cdk-go
    // 2.257.0 never needed (and that the Go module proxy here does not serve). Pinned to that minimum, the TypeScript
    // tests, the Go binding and the Python example (examples/python/requirements.in) use the same schema.
    '@aws-cdk/cloud-assembly-schema@53.25.0',
  ],

  jestOptions: {
    // Snapshots never heal themselves: `npm run test:update` exists for deliberate updates.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
      setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
      coverageReporters: ['text-summary', 'lcov'],
      // test/bindings checks what the binding build and the example apps in Python, Java and Go produced: the test
      // task runs it after them (test:bindings).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/bindings/'],
    },
  },
  docgen: true,
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'build-tools', 'projenrc', 'scripts', 'demo', 'bench'] },
  gitignore: [
    '/cdk.out/', '/bench/out/', '/demo/out/', '/dist/', '/.jsii.tabl.json', '/.jsii.tabl.json.gz',
    // The pinned Python tools (scripts/bindings.ts setup) and what the example apps build and synthesize.
    '/.venv/', '/examples/*/cdk.out/', '/examples/java/target/', '.mypy_cache/', '__pycache__/',
    // 'node_modules/' matches only a directory; a git worktree that links its node_modules must not commit the link.
    '/node_modules',
  ],
  npmignoreEnabled: true,
});

// jsii tools print a banner on Node.js 20 (end of life) at every call; the handlers target nodejs24.x.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION', '1');

// Minified bundles parse faster at cold start and ship smaller (names kept: error classes are matched by name).
// The AWS SDK's ES module entry points (`module`) let esbuild drop what the handlers never import, where its
// CommonJS builds (`main`) pull in whole packages: `npm run bench` shows the bundles and their load times before and after.
// Those entry points load `node:http` and `node:async_hooks` with `import()`; as `require` (dynamic-import off) the
// bundle stays plain CommonJS, which any loader runs (a vm context without ES module support included).
for (const task of project.tasks.all.filter((t) => /^bundle:.*\.lambda$/.test(t.name))) {
  const args = task.steps[0].execArgs!;
  task.reset();
  task.exec([...args, '--minify', '--keep-names', '--legal-comments=none', '--main-fields=module,main', '--supported:dynamic-import=false'].join(' '));
}

// Handler-side code may use the (bundled) dev dependencies; construct code may not.
project.eslint?.addOverride({
  files: ['src/handlers/**/*.ts', 'src/runtime/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});

// The layers, enforced: the agent (member accounts) never depends on the master (the central account); constructs
// (jsii-compiled) never depend on the runtime (esbuild-bundled into the handlers), and the runtime never on the
// construct side. Handlers and constructs meet only through the generated function classes in src/handlers.
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      {
        target: './src/agent',
        from: './src/master',
        message: 'The agent is deployed in member accounts and must not depend on the master: move what both need to src/common.',
      },
      {
        target: ['./src/agent', './src/master', './src/common'],
        from: './src/runtime',
        message: 'Constructs must not import the handlers\' runtime: share constants through a module both sides may import.',
      },
      {
        target: './src/runtime',
        from: ['./src/agent', './src/master', './src/common'],
        message: 'The runtime is bundled into the handlers and must not import construct code.',
      },
      {
        target: './src/contract',
        from: ['./src/agent', './src/master', './src/common', './src/rollout', './src/runtime', './src/handlers'],
        message: 'The contract is shared by constructs and handlers and imports neither side.',
      },
    ],
  }],
});
project.eslint?.addOverride({
  files: ['src/runtime/**/*.ts', 'src/contract/**/*.ts', 'src/handlers/*.lambda.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      paths: [
        { name: 'aws-cdk-lib', message: 'The runtime runs in Lambda: aws-cdk-lib is construct-side only.' },
        { name: 'constructs', message: 'The runtime runs in Lambda: constructs is construct-side only.' },
      ],
      patterns: [{ group: ['aws-cdk-lib/*'], message: 'The runtime runs in Lambda: aws-cdk-lib is construct-side only.' }],
    }],
  },
});

project.npmignore?.exclude('/scripts/', '/demo/', '/bench/', '/rosetta/', '/.ci/', '/cdk.out/', '/test/', '/examples/', '/tools/', '/.venv/');

const tsNode = 'ts-node --transpile-only --project test/tsconfig.json';

// The bindings, built for real and used (scripts/bindings.ts): each step prints its name and time, and fails, naming
// the toolchain, when one is missing.
const bindings = `${tsNode} scripts/bindings.ts`;
const setupPython = project.addTask('setup:python', {
  description: 'Check the Python, Java, Maven and Go toolchains; install the pinned Python tools (cfn-lint, the Python example\'s packages) into .venv',
  exec: `${bindings} setup`,
});
const pacmak = project.addTask('check:bindings', {
  description: 'Build the Python wheel, the Java jar and the Go module with jsii-pacmak; generate the .NET source (not built: no NuGet here)',
  exec: `${bindings} build`,
});
const examples = project.addTask('check:examples', {
  description: 'The example app in Python (mypy --strict), Java (-Xlint:all -Werror) and Go (go vet), each synthesized into examples/<language>/cdk.out',
  exec: `${bindings} examples`,
});
const bindingsTest = project.addTask('test:bindings', {
  description: 'The example app synthesizes identical templates in TypeScript, Python, Java and Go; a wrong use of the Python binding fails mypy',
  exec: 'jest --ci --passWithNoTests=false --coverage=false --testPathIgnorePatterns /node_modules/ --json '
    + '--outputFile=test-reports/jest-bindings-results.json test/bindings',
  // Its own JUnit file, beside the main run's.
  env: { JEST_JUNIT_OUTPUT_NAME: 'junit-bindings.xml' },
});

// The test task is the whole quality gate the README promises: one command, everything checked.
const test = project.tasks.tryFind('test')!;
test.reset();
test.spawn(project.tasks.tryFind('bundle')!);
test.spawn(setupPython);
test.exec('jest --ci --passWithNoTests=false --json --outputFile=test-reports/jest-results.json');
test.spawn(project.tasks.tryFind('eslint')!);
// The demo, the bench and the scripts run under ts-node --transpile-only, which checks no type: this step does.
test.spawn(project.addTask('check:types', {
  description: 'Type-check the demo, the bench, the scripts and the tests (ts-node and ts-jest run them without checking types)',
  exec: 'tsc --noEmit -p demo/tsconfig.json && tsc --noEmit -p bench/tsconfig.json && tsc --noEmit -p scripts/tsconfig.json && tsc --noEmit -p test/tsconfig.json',
}));
test.spawn(project.compileTask);
test.spawn(project.tasks.tryFind('docgen')!);
const rosetta = project.addTask('check:rosetta', {
  description: 'Compile every README example under jsii-rosetta --strict',
  exec: 'jsii-rosetta extract --strict --fail',
});
const guide = project.addTask('check:guide', {
  description: 'Compile every TypeScript example of docs/guide under jsii-rosetta --strict, with the README\'s fixtures',
  exec: `${tsNode} scripts/check-guide-examples.ts`,
});
project.addTask('check:deprecations', {
  description: 'Synthesize the example app with JSII_DEPRECATED=fail against the installed (minimum) aws-cdk-lib and the newest pinned one',
  exec: `${tsNode} scripts/check-deprecations.ts`,
});
const pack = project.addTask('check:package', {
  description: 'npm pack contains every bundled handler asset',
  exec: `${tsNode} scripts/check-package.ts`,
});
const generated = project.addTask('check:generated', {
  description: 'Fail when the build changed generated files that are committed (API.md, function classes)',
  exec: `${tsNode} scripts/check-generated.ts`,
});
test.spawn(rosetta);
test.spawn(guide);
// The installed aws-cdk-lib only: the newest one is downloaded by check:deprecations, run on its own.
test.exec(`${tsNode} scripts/check-deprecations.ts --installed-only`, { name: 'deprecations' });
test.spawn(pacmak);
test.spawn(examples);
test.spawn(bindingsTest);
// The README's main job, end to end: the example app replayed through the shipped bundles, its end state checked.
test.exec(`${tsNode} demo/run.ts`, { name: 'demo' });
test.spawn(pack);
test.spawn(generated);
test.exec(`${tsNode} scripts/report-tests.ts`);

// Every step of the test task prints its name and time, so that CI's log says where its time goes.
const steps = [...test.steps];
test.reset();
for (const step of steps) {
  const name = step.spawn ?? step.name ?? step.exec!.match(/scripts\/([\w-]+)\.ts/)?.[1] ?? step.exec!.split(' ')[0];
  const command = step.spawn ? `npx projen ${step.spawn}` : step.exec!;
  test.exec(`node scripts/timed-step.js ${JSON.stringify(name)} ${command}`, step.env ? { env: step.env } : undefined);
}

project.addTask('demo', {
  description: 'Synthesize the example app and replay a realistic scenario through the shipped handler bundles',
  steps: [{ spawn: 'bundle' }, { exec: `${tsNode} demo/run.ts` }],
});
project.addTask('pin:logical-ids', {
  description: 'Rewrite test/pinned/logical-ids.json from the policy apps (only for an intended, reviewed change of resources)',
  exec: `${tsNode} scripts/pin-logical-ids.ts`,
});
project.addTask('bench', {
  description: 'Benchmark the pipeline against a naive baseline on the reference organization workload',
  steps: [{ spawn: 'bundle' }, { exec: `${tsNode} bench/run.ts` }],
});

project.synth();
