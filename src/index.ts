export { ConfigMonitoringMaster } from './master/config-monitoring-master';
export type { ConfigMonitoringMasterProps } from './master/config-monitoring-master';
export { ConfigMonitoringAgent } from './agent/config-monitoring-agent';
export type { ConfigMonitoringAgentProps } from './agent/config-monitoring-agent';
export { ConfigEventType } from './agent/event-forwarding';
