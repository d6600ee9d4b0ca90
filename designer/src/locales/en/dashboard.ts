// English strings of the dashboard: today's figures, the targets, and how long records are kept.
const dashboard = {
  dashboard: {
    title: "Dashboard",
    today: "Today, {{day}} (the tenant's time zone)",
    reload: "Refresh",
    figure: {
      calls: "Calls today",
      service_level: "Service level",
      abandonment: "Abandonment",
      containment: "Containment",
      voicemail_waiting: "Messages waiting",
    },
    hint: {
      calls: "Every call that started today, live or saved from a simulation.",
      service_level: "Calls answered by an agent within 20 s, of those offered to queues.",
      abandonment: "Callers who hung up waiting in a queue, of those offered to queues.",
      containment: "Calls the flow served on its own, of all calls.",
      voicemail_waiting: "Messages not handled yet (open the inbox).",
    },
    kpis: "Targets",
    kpi: { connection_rate: "Connection rate", agent_answer_rate: "Agent answer rate" },
    target: "target {{target}}",
    met: "met",
    missed: "missed",
    noCalls: "no calls yet",
    retention: {
      title: "Keeping records",
      kept_one: "Records are kept {{count}} day.",
      kept_other: "Records are kept {{count}} days.",
      forever: "Records are kept for ever (no retention is set).",
      next: "Next prune: {{when}} ({{zone}}).",
      noSchedule: "This service does not prune (it runs with --no-prune): prune from cron with `callflow records prune`.",
      last: "Last prune: {{when}}, before {{before}}: {{calls}} calls, {{messages}} voicemail messages and {{files}} audio files removed.",
      never: "Not pruned yet.",
    },
  },
};

export default dashboard;
