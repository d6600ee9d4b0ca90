// A capacity simulation as the flow service answers it (runtime/capacity/result.py, runtime/api/jobs.py).
import type { Json } from "./types";

export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled";

/** One queue's figures over one interval, or the whole day. */
export interface QueueInterval {
  start: string;
  agents: number;
  offered: number;
  answered: number;
  abandoned: number;
  offer: number;
  timeout: number;
  answered_within: number;
  service_level: number | null;
  asa_s: number | null;
  longest_wait_s: number;
  occupancy: number | null;
  average_queue: number;
  max_queue: number;
}

export interface QueueResult {
  name: string;
  total: QueueInterval;
  intervals: QueueInterval[];
}

/** Traffic through one node: the calls that entered it and how often each exit was taken. */
export interface NodeTraffic {
  visits: number;
  exits: Record<string, number>;
  /** Callers who hung up at the node and its errors (the records' heat map counts them; a capacity run does not). */
  drops?: number;
  errors?: number;
}

export interface LoadResult {
  flow: string;
  start: string;
  interval_s: number;
  asked: Record<string, Json>;
  calls: {
    arrived: number;
    outcomes: Record<string, number>;
    containment: number | null;
    voicemails_saved: number;
    node_errors: number;
    fallbacks: number;
    peak_in_flight: number;
  };
  queues: Record<string, QueueResult>;
  callers: { name: string; calls: number; outcomes: Record<string, number> }[];
  /** Per flow, per node (the heat map's numbers). */
  nodes: Record<string, Record<string, NodeTraffic>>;
}

/** The agents a staffing search found for one queue and interval, beside Erlang C's answer
 * (runtime/capacity/staffing.py). */
export interface IntervalStaffing {
  start: string;
  agents: number;
  erlang_c: number;
  offered: number;
  service_level: number | null;
  asa_s: number | null;
  occupancy: number | null;
  abandoned: number;
}

export interface StaffingQueue {
  queue: string;
  intervals: IntervalStaffing[];
}

export interface StaffingResult {
  target: Record<string, number>;
  queues: StaffingQueue[];
  runs: number;
  met: boolean;
  result: LoadResult;
}

export interface Comparison {
  first: LoadResult;
  second: LoadResult;
  difference: Record<string, Json>;
}

export type JobResult = LoadResult | StaffingResult | Comparison;

export interface Job {
  id: string;
  kind: string;
  owner: string;
  /** The flow it runs. */
  flow?: string | null;
  status: JobStatus;
  progress: number;
  calls: number;
  created_at: number;
  finished_at: number | null;
  error: string | null;
  result?: JobResult;
}

export const isComparison = (r: JobResult): r is Comparison => "first" in r && "second" in r;
export const isStaffing = (r: JobResult): r is StaffingResult => "runs" in r && "result" in r;

/** The day's result a job's figures are read from (a comparison's first flow, a search's last day). */
export const mainResult = (r: JobResult): LoadResult => (isComparison(r) ? r.first : isStaffing(r) ? r.result : r);
