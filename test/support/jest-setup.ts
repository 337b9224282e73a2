// aws-cdk-lib's own TableV2 constructs pass props it has itself deprecated; its warnings drown the test output.
// Our constructs are checked for deprecated API use by jsii and the type checker, not by this runtime warning.
process.env.JSII_DEPRECATED = 'quiet';
// The AWS SDK warns on every client that Node.js 20 support ends: the shipped handlers run on nodejs24.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
