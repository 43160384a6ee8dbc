// The topics of docs/kafka.md. Their names are the contract; settings may only redirect them
// (a test's own topics, a staging prefix), never rename them in production.
export const eventsTopic = 'cooperation.events.v1';
export const analyticsTopic = 'cooperation.analytics.v1';
/** Every signed checkpoint of the transparency log, in tree-size order, on one partition. */
export const checkpointsTopic = 'cooperation.checkpoints.v1';

/** The headers every message carries, so a consumer can route and deduplicate without parsing. */
export const eventTypeHeader = 'event-type';
export const eventIdHeader = 'event-id';
