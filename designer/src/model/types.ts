// The flow graph as the service stores it (`*.flow.json`, schema `GET /api/schema`) and the API's shapes.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Position {
  x: number;
  y: number;
}

export interface FlowNode {
  id: string;
  type: string;
  params?: Record<string, Json>;
  comments?: Json;
}

export interface FlowEdge {
  from: string;
  exit: string;
  to: string;
}

export interface Prompt {
  id: string;
  text?: Record<string, string>;
  file?: Record<string, string>;
  comments?: Json;
}

/** A flow graph; fields the designer does not edit (variables, comments, ...) are carried through untouched. */
export interface FlowGraph {
  version: 1;
  flow: string;
  title?: string;
  languages?: string[];
  prompts?: Prompt[];
  nodes: FlowNode[];
  edges: FlowEdge[];
  layout?: Record<string, Position>;
  [other: string]: Json | undefined | FlowNode[] | FlowEdge[] | Prompt[] | Record<string, Position>;
}

export interface ExitFamilyInfo {
  word: string;
  groupable?: boolean;
  help?: string;
  [other: string]: Json | undefined;
}

export interface NodeTypeInfo {
  type: string;
  label: string;
  category: string;
  icon: string;
  description: string;
  params_schema: Record<string, Json>;
  exits: { name: string; required: boolean }[];
  families: (ExitFamilyInfo | string)[];
  primary_exit: string | null;
  open_exits: boolean;
  terminal: boolean;
  listens: boolean;
  key_param: string | null;
}

export interface Diagnostic {
  code: string;
  name: string;
  severity: "error" | "warning" | "info";
  message: string;
  file?: string;
  line?: number;
  column?: number;
  pointer?: string;
  node?: string;
  /** What follows from the problem or how to fix it, in the service's words (`= note:` in `callflow check`). */
  note?: string;
}

export interface User {
  name: string;
  role: "viewer" | "editor" | "admin";
  tenant: string;
}

export interface FlowSummary {
  name: string;
  title: string;
  revision: string;
  changed_at: string;
  changed_by: string;
  draft_changed: boolean;
  published: null | { version: number; published_at: string; published_by: string; comment: string };
}

export interface TraceEvent {
  t: number;
  event: string;
  node: string | null;
  [field: string]: Json;
}

export interface Coverage {
  nodes: Record<string, number>;
  exits: Record<string, number>;
  missing_nodes: string[];
  missing_exits: [string, string][];
  summary?: Json;
}

export interface TestCaseResult {
  name: string;
  passed: boolean;
  failures: Json[];
  nodes: string[];
}

export interface TestRun {
  passed: number;
  failed: number;
  suites: { suite: string; cases: TestCaseResult[] }[];
  coverage: Coverage;
}

export interface Version {
  version: number;
  published_at: string;
  published_by: string;
  comment: string;
  rollback_of?: number | null;
}
