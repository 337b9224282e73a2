#!/usr/bin/env python3
"""The CDK app entry: synthesizes the example organization into CDK_OUTDIR (or cdk.out), as `cdk synth` would."""
from example_app.stacks import build_example_app

if __name__ == "__main__":
    build_example_app().synth()
