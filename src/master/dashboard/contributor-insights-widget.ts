import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** How a `ContributorInsightsWidget` is drawn. */
export interface ContributorInsightsWidgetProps {
  readonly title: string;
  /** The Contributor Insights rule's name. */
  readonly ruleName: string;
  readonly region: string;
  /** @default 10 */
  readonly maxContributorCount?: number;
  /** @default 12 */
  readonly width?: number;
  /** @default 6 */
  readonly height?: number;
}

/**
 * A dashboard widget showing the top contributors of a Contributor Insights rule.
 *
 * aws-cloudwatch has no such widget; the dashboard body format does (`properties.insightRule`).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * @internal
 */
export class ContributorInsightsWidget extends cloudwatch.ConcreteWidget {
  constructor(private readonly props: ContributorInsightsWidgetProps) {
    super(props.width ?? 12, props.height ?? 6);
  }

  public toJson(): any[] {
    return [{
      type: 'metric',
      width: this.width,
      height: this.height,
      x: this.x,
      y: this.y,
      properties: {
        title: this.props.title,
        region: this.props.region,
        view: 'timeSeries',
        stacked: false,
        legend: { position: 'right' },
        insightRule: {
          ruleName: this.props.ruleName,
          maxContributorCount: this.props.maxContributorCount ?? 10,
          orderBy: 'Sum',
        },
      },
    }];
  }
}

