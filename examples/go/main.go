// The example organization of the demo (demo/example-app.ts), written against the Go binding: one master stack, an
// agent stack per member account and region, and the management account's rollout to the organization's OUs,
// synthesized into CDK_OUTDIR (or cdk.out), as `cdk synth` would.
//
// Every stack names its environment and no stack references another: each deploys on its own, in its own account.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	// Ends the jsii runtime's Node.js process when the app is done.
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	NewMasterStack(app, "ConfigMonitoringMaster", &awscdk.StackProps{Env: environment(masterAccount, masterRegion)})
	for _, region := range agentRegions {
		NewRecordingAgentStack(app, "ConfigMonitoringAgent-"+recordingAccount+"-"+region,
			&awscdk.StackProps{Env: environment(recordingAccount, region)})
		NewAdoptingAgentStack(app, "ConfigMonitoringAgent-"+adoptingAccount+"-"+region,
			&awscdk.StackProps{Env: environment(adoptingAccount, region)})
	}
	NewRolloutStack(app, "ConfigMonitoringRollout", &awscdk.StackProps{Env: environment(managementAccount, managementRegion)})
	app.Synth(nil)
}
