/**
 * A message every instance of the service hears, the sender included: the shape of the web channel's `PushRelay`
 * and the staff inbox's `HandoffChangeRelay`, served by Redis pub/sub (redis-broadcast.ts) or, without Redis, by
 * PostgreSQL LISTEN/NOTIFY (postgres-broadcast.ts).
 */
export interface Broadcast {
  /** Never rejects: a message that cannot be sent is logged and missed. */
  publish(message: string): Promise<void>;
  /** `deliver` is called with every message published by any instance, from the moment this resolves. */
  listen(deliver: (message: string) => void): Promise<void>;
}
