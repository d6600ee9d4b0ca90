// The answer of `GET /api/flows/{name}/diff` (docs/server.md) and the FlowDiff JSON inside it (docs/diff.md,
// format 1): only what the designer reads is typed.
import type { Json } from "./types";

export type NodeDiffStatus = "added" | "removed" | "changed" | "rewired" | "renamed" | "moved";

export interface ParamChange {
  name: string;
  key?: string;
  old?: Json;
  new?: Json;
  default?: Json;
}

export interface ExitChange {
  exit: string;
  old?: string | null;
  new?: string | null;
}

export interface NodeChange {
  id: string;
  status: NodeDiffStatus;
  type: string;
  old_id?: string;
  old_type?: string;
  params: ParamChange[];
  exits: ExitChange[];
}

export interface TextChange {
  language: string;
  old?: string | null;
  new?: string | null;
}

export interface PromptChange {
  id: string;
  status: "added" | "removed" | "changed";
  text: TextChange[];
  file: TextChange[];
  used_by: string[];
}

export interface HeaderChange {
  field: string;
  key?: string;
  old?: Json;
  new?: Json;
}

export interface FlowDiff {
  format: 1;
  same: boolean;
  logic_same: boolean;
  header: HeaderChange[];
  prompts: PromptChange[];
  nodes: NodeChange[];
  layout: { id: string; old: Json; new: Json }[];
  comments: Json[];
}

export interface CaseCall {
  experience: string[];
  nodes: string[];
  outcome: Record<string, Json>;
  duration_s: number;
  passed: boolean;
  failures: string[];
  error: string | null;
}

export interface AffectedCase {
  suite: string;
  name: string;
  differs: string[];
  old: CaseCall;
  new: CaseCall;
}

export interface DiffAnswer {
  from: number | "draft";
  to: number | "draft";
  diff: FlowDiff;
  cases: AffectedCase[];
  errors: { suite: string; error: string }[];
}
