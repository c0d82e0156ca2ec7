// What the Activity feature shows, as tests and the API read it (PanelInfo.activity): the view's state, each
// principal's reads with their entries, and Who can read? rows with their last read and flags.
import type { ActivityController } from './activity-controller';
import { accessActivityRows } from './activity-views';

export interface ActivityInfo {
  state: 'idle' | 'loading' | 'failed' | 'ready';
  message?: string;
  readAt?: string;
  events?: number;
  principals: {
    principal: string;
    name: string;
    readsAllowed: number;
    readsRefused: number;
    lastRead?: string;
    /** Oldest first: kind, time, table, the service that asked. */
    entries: { kind: string; time: string; tableName?: string; invokedBy?: string; errorCode?: string }[];
  }[];
  /** Who can read? rows joined with the activity (empty until both are in). */
  rows: { principal: string; lastRead?: string; readsRefused: number; flags: string[] }[];
}

export function activityInfo(controller: ActivityController): ActivityInfo {
  const view = controller.view;
  const ready = view.state === 'ready' ? view : undefined;
  const summary = controller.lastSummary;
  const report = controller.lastReport;
  return {
    state: view.state,
    ...(view.state === 'failed' || view.state === 'loading' ? { message: view.message } : {}),
    ...(ready ? { readAt: ready.readAt, events: ready.events } : {}),
    principals: (ready?.principals ?? []).map((p) => ({
      principal: p.principal,
      name: p.name,
      readsAllowed: p.readsAllowed,
      readsRefused: p.readsRefused,
      ...(p.lastRead ? { lastRead: p.lastRead } : {}),
      entries: p.entries
        .map((e) => ({ kind: e.kind, time: e.time, ...(e.tableName ? { tableName: e.tableName } : {}), ...(e.invokedBy ? { invokedBy: e.invokedBy } : {}), ...(e.errorCode ? { errorCode: e.errorCode } : {}) }))
        .reverse(),
    })),
    rows:
      summary && report && report.tableName === summary.tableName
        ? accessActivityRows(report, summary).map((r) => ({ principal: r.principal, ...(r.lastRead ? { lastRead: r.lastRead } : {}), readsRefused: r.readsRefused, flags: r.flags.map((f) => f.words) }))
        : [],
  };
}
