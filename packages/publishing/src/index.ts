// @cco/publishing: the event log on Kafka. The events table is the outbox; the relay reads it
// in commit-safe order with its own checkpoint and publishes each event to the events topic
// (the event as read) and to the analytics topic (an allow-listed, personal-data-free copy).

export { analyticsAllowList, analyticsEnvelope } from './analyticsAllowList';
export { createKafka, type Log } from './createKafka';
export {
  analyticsMessageSchema,
  checkpointMessageSchema,
  eventAsReadSchema,
  messageHeadersSchema,
  messageKeySchema,
} from './messageSchemas';
export { measureRelayLag, type RelayLag } from './measureRelayLag';
export { pickAllowed } from './pickAllowed';
export { provisionTopics } from './provisionTopics';
export { readKafkaSettings, type KafkaSettings, type TopicProvisioning } from './readKafkaSettings';
export { readStandaloneSettings, type StandaloneSettings } from './readStandaloneSettings';
export { registerRelayMetrics, type RelayMetrics } from './registerRelayMetrics';
export { relayBatch, relayName, relayReadAhead, type RelayBatchOptions, type RelayedBatch, type RelayReadAhead } from './relayBatch';
export { startRelay, type Relay, type RelayOptions } from './startRelay';
export { toAnalyticsMessage } from './toAnalyticsMessage';
export { toEventAsRead, type EventAsRead } from './toEventAsRead';
export { toEventMessage } from './toEventMessage';
export { analyticsTopic, eventIdHeader, eventsTopic, eventTypeHeader } from './topics';
export {
  checkpointRelayName,
  relayCheckpoints,
  startCheckpointRelay,
  type CheckpointMessage,
  type CheckpointRelay,
} from './relayCheckpoints';
export { checkpointsTopic } from './topics';
