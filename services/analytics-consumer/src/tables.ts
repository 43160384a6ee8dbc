import type { ColumnType } from 'kysely';

/** Event ids already applied: Kafka delivers at least once, this makes it once. */
export interface AnalyticsSeenEventsTable {
  event_id: string;
  seen_at: ColumnType<Date, never, never>;
}

/** Completed deportations per UTC month ('YYYY-MM') of the completion's business time. */
export interface AnalyticsMonthlyDeportationsTable {
  month: string;
  completed: ColumnType<string, string | number, string | number>;
}

export interface AnalyticsTables {
  analytics_seen_events: AnalyticsSeenEventsTable;
  analytics_monthly_deportations: AnalyticsMonthlyDeportationsTable;
}
