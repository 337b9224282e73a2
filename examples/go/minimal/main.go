// The smallest app: a master for an organization (the README's Install section shows this file).
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	monitoring "github.com/cdk-config-monitoring/cdk-config-monitoring-go/cdkconfigmonitoring"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Monitoring"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-west-1")},
	})
	monitoring.NewConfigMonitoringMaster(stack, jsii.String("Master"), &monitoring.ConfigMonitoringMasterProps{
		OrganizationId: jsii.String("o-a1b2c3d4e5"),
	})
	app.Synth(nil)
}
